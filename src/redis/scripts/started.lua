-- Started: jobs the calling worker began running. Only a job still queued and claimed by that
-- worker moves (one killed or re-taken meanwhile stays as it is).
-- ARGV: P, me (worker id), worker name (host:pid), then pairs: jid, started (epoch ms).
for i = 4, #ARGV, 2 do
  local jid = tonumber(ARGV[i])
  local key = jobKey(jid)
  local v = redis.call('HMGET', key, 'status', 'claim', 'chunk')
  if v[1] == 'queued' and v[2] == ARGV[2] then
    move(jid, chunkOf(v[3]), 'queued', 'processing')
    redis.call('HSET', key, 'started', ARGV[i + 1], 'worker', ARGV[3])
    redis.call('HINCRBY', key, 'attempts', 1)
  end
end
return 0
