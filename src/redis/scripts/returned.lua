-- Returned: jobs the calling worker claimed and never started (it is stopping) are free again,
-- and their chunks back on the ready set. ARGV: P, me (worker id), jids... Returns those chunks.
for i = 3, #ARGV do
  local jid = tonumber(ARGV[i])
  local key = jobKey(jid)
  local v = redis.call('HMGET', key, 'status', 'claim', 'chunk')
  if v[1] == 'queued' and holderOf(v[2], chunkOf(v[3])) == ARGV[2] then
    -- '' (not absent): the chunk's claim, which names this worker, no longer speaks for it.
    redis.call('HSET', key, 'claim', '')
    redis.call('SADD', READY, v[3])
    addReady(chunkOf(v[3]))
  end
end
return readyOut
