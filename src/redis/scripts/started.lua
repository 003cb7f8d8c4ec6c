-- Started: jobs the calling worker began running. Only a job still queued and claimed by that
-- worker moves (one killed or re-taken meanwhile stays as it is).
-- ARGV: P, me (worker id), worker name (host:pid), then pairs: jid, started (epoch ms).
for i = 4, #ARGV, 2 do
  local jid = tonumber(ARGV[i])
  local v = redis.call('HMGET', jobKey(jid), 'status', 'claim', 'chunk', 'attempts')
  if v[1] == 'queued' and holderOf(v[2], chunkOf(v[3])) == ARGV[2] then
    move(jid, chunkOf(v[3]), 'queued', 'processing', { 'started', ARGV[i + 1], 'worker', ARGV[3], 'attempts', (tonumber(v[4]) or 0) + 1 })
  end
end
flush()
return 0
