-- Claim: which of these jobs the calling worker may run. A job is yours when it is queued and
-- free, or held by a dead worker (its alive key gone); a started one whose worker died runs again
-- when restartable with runs left, else it ends 'error' (worker lost) here.
-- ARGV: P, me (worker id), maxRestarts, lost error name, code, message (with {worker}), jids...
-- Returns { verdicts, readyChunks }: a verdict is 'run', 'rerun', 'skip', 'lost' or 'held:<id>'.
local me = ARGV[2]
local maxRestarts = tonumber(ARGV[3])
local now = nowMs()

local aliveCache = {}
local function isAlive(id)
  local alive = aliveCache[id]
  if alive == nil then
    alive = redis.call('EXISTS', P .. 'alive:' .. id) == 1
    aliveCache[id] = alive
  end
  return alive
end

local function lostError(worker)
  local message = ARGV[6]
  local at = string.find(message, '{worker}', 1, true)
  if at then message = string.sub(message, 1, at - 1) .. worker .. string.sub(message, at + 8) end
  return cjson.encode({ name = ARGV[4], message = message, code = ARGV[5] })
end

local verdicts = {}
-- The chunks of these jobs are in a worker's hands now: off the ready set.
local taken = {}
for i = 7, #ARGV do
  local jid = tonumber(ARGV[i])
  local key = jobKey(jid)
  local v = redis.call('HMGET', key, 'status', 'claim', 'chunk', 'attempts', 'worker', 'dependents')
  local status, claim = v[1], v[2]
  local verdict = 'skip'
  if status == 'queued' then
    if not claim or (claim ~= me and not isAlive(claim)) then
      redis.call('HSET', key, 'claim', me)
      verdict = 'run'
    else
      verdict = 'held:' .. claim
    end
  elseif status == 'processing' then
    if claim == me or isAlive(claim) then
      verdict = 'held:' .. claim
    else
      local c = chunkOf(v[3])
      if c.restartable and tonumber(v[4] or '0') <= maxRestarts then
        move(jid, c, 'processing', 'queued', { 'claim', me })
        verdict = 'rerun'
      else
        finish(jid, c, 'processing', 'error', { 'finished', now, 'exception', lostError(v[5] or claim) }, v[6] == '1')
        verdict = 'lost'
      end
    end
  end
  if v[3] and not taken[v[3]] then
    taken[v[3]] = true
    redis.call('SREM', READY, v[3])
  end
  verdicts[#verdicts + 1] = verdict
end
settleAll(now)
publishDone()
return { verdicts, readyOut }
