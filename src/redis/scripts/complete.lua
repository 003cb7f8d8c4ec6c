-- Complete: outcomes the calling worker writes. Each only when the job is unfinished and claimed by
-- that worker: a complete record never changes, and a job re-taken from a worker deemed dead is
-- not written twice. Then the dependents are told (ready or stalled, transitively) and `done` published.
-- ARGV: P, me (worker id), worker name, then 11 per job: jid, status, started, finished, cputime,
-- memory, memoryLimit, stdout, stderr, exception (JSON), value (v8 bytes); '' where absent.
-- Returns the chunks made ready.
local me = ARGV[2]
local now = nowMs()
local FIELDS = { 'started', 'finished', 'cputime', 'memory', 'memoryLimit', 'stdout', 'stderr', 'exception', 'value' }
for i = 4, #ARGV, 11 do
  local jid = tonumber(ARGV[i])
  local key = jobKey(jid)
  local v = redis.call('HMGET', key, 'status', 'claim', 'chunk')
  local status = ARGV[i + 1]
  if (v[1] == 'queued' or v[1] == 'processing') and v[2] == me and COMPLETE[status] then
    if v[1] == 'queued' then
      -- Its start was not written (coalesced with its end): count the run here.
      redis.call('HINCRBY', key, 'attempts', 1)
      redis.call('HSET', key, 'worker', ARGV[3])
    end
    local fields = {}
    for f = 1, #FIELDS do
      local value = ARGV[i + 1 + f]
      if value ~= '' then
        fields[#fields + 1] = FIELDS[f]
        fields[#fields + 1] = value
      end
    end
    if #fields > 0 then redis.call('HSET', key, unpack(fields)) end
    finish(jid, chunkOf(v[3]), v[1], status, now)
  end
end
settleAll(now)
publishDone()
return readyOut
