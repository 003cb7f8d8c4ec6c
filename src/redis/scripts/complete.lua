-- Complete: outcomes the calling worker writes. Each only when the job is unfinished and claimed by
-- that worker: a complete record never changes, and a job re-taken from a worker deemed dead is
-- not written twice. Then the dependents are told (ready or stalled, transitively) and `done` published.
-- ARGV: P, me (worker id), worker name, then 11 per job: jid, status, started, finished, cputime,
-- memory, memoryLimit, stdout, stderr, exception (JSON), value (v8 bytes); '' where absent.
-- Returns the chunks made ready. A call with one job that ends 'done' with a value of at most
-- PUSHED_VALUE_MAX bytes publishes it on `P done:value` first ('<jid>|' then its bytes), so that a
-- client waiting for it has it when `done` names it, and reads nothing more (a lone job's trip).
local PUSHED_VALUE_MAX = 1024
local me = ARGV[2]
local pushed
local now = nowMs()
local FIELDS = { 'started', 'finished', 'cputime', 'memory', 'memoryLimit', 'stdout', 'stderr', 'exception', 'value' }
for i = 4, #ARGV, 11 do
  local jid = tonumber(ARGV[i])
  local v = redis.call('HMGET', jobKey(jid), 'status', 'claim', 'chunk', 'attempts', 'dependents')
  local status = ARGV[i + 1]
  if (v[1] == 'queued' or v[1] == 'processing') and COMPLETE[status] and holderOf(v[2], chunkOf(v[3])) == me then
    local fields = {}
    for f = 1, #FIELDS do
      local value = ARGV[i + 1 + f]
      if value ~= '' then
        fields[#fields + 1] = FIELDS[f]
        fields[#fields + 1] = value
      end
    end
    if ARGV[i + 3] == '' then
      fields[#fields + 1] = 'finished'
      fields[#fields + 1] = now
    end
    if v[1] == 'queued' then
      -- Its start was not written (coalesced with its end): count the run here.
      fields[#fields + 1] = 'attempts'
      fields[#fields + 1] = (tonumber(v[4]) or 0) + 1
      fields[#fields + 1] = 'worker'
      fields[#fields + 1] = ARGV[3]
    end
    finish(jid, chunkOf(v[3]), v[1], status, fields, v[5] == '1')
    -- A call with this one job (3 arguments, then 11): its value is the last argument.
    if #ARGV == 3 + 11 and status == 'done' and #ARGV[#ARGV] <= PUSHED_VALUE_MAX then pushed = jid .. '|' .. ARGV[#ARGV] end
  end
end
settleAll(now)
if pushed then redis.call('PUBLISH', P .. 'done:value', pushed) end
publishDone()
return readyOut
