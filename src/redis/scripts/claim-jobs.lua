-- claimJobs: which of these jobs the worker `me` may run (the claim and take scripts). A job is
-- yours when it is queued and free, or held by a dead worker (its alive key gone); a started one
-- whose worker died runs again when restartable with at most maxRestarts runs behind it, else it
-- ends 'error' (worker lost) here, with the lost error made of lostName, lostCode and lostMessage
-- (its '{worker}' replaced). Returns one verdict per jid: 'run', 'rerun', 'skip', 'lost' or
-- 'held:<id>'. The caller ends with settleAll and publishDone (claimArgv does both).
local function claimJobs(jids, me, maxRestarts, lostName, lostCode, lostMessage, now)
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
    local message = lostMessage
    local at = string.find(message, '{worker}', 1, true)
    if at then message = string.sub(message, 1, at - 1) .. worker .. string.sub(message, at + 8) end
    return cjson.encode({ name = lostName, message = message, code = lostCode })
  end

  local verdicts = {}
  -- The chunks of these jobs are in a worker's hands now: off the ready set.
  local taken = {}
  local rows = {}
  local perChunk = {}
  local seenJid = {}
  for _, jid in ipairs(jids) do
    local v = redis.call('HMGET', jobKey(jid), 'status', 'claim', 'chunk', 'attempts', 'worker', 'dependents')
    rows[#rows + 1] = { jid, v }
    if v[3] and not seenJid[jid] then
      seenJid[jid] = true
      perChunk[v[3]] = (perChunk[v[3]] or 0) + 1
    end
  end
  -- A chunk no worker took yet, asked for whole: claimed in its hash, with one write; its jobs
  -- without a claim of their own inherit it (holderOf). The holders below are those from before.
  local whole = {}
  for id, n in pairs(perChunk) do
    local c = chunkOf(id)
    if c.first ~= nil and c.claim == nil and n == c.count then
      redis.call('HSET', chunkKey(id), 'claim', me)
      whole[id] = true
    end
  end
  for _, row in ipairs(rows) do
    local jid, v = row[1], row[2]
    local key = jobKey(jid)
    local status = v[1]
    local c = v[3] and chunkOf(v[3])
    local claim = c and holderOf(v[2], c)
    local verdict = 'skip'
    if status == 'queued' then
      if not claim or (claim ~= me and not isAlive(claim)) then
        -- A job of a chunk claimed whole just now, with no claim of its own, is mine already.
        if not (whole[v[3]] and not v[2]) then redis.call('HSET', key, 'claim', me) end
        verdict = 'run'
      else
        verdict = 'held:' .. claim
      end
    elseif status == 'processing' then
      if claim and (claim == me or isAlive(claim)) then
        verdict = 'held:' .. claim
      else
        if c.restartable and tonumber(v[4] or '0') <= maxRestarts then
          move(jid, c, 'processing', 'queued', { 'claim', me })
          verdict = 'rerun'
        else
          finish(jid, c, 'processing', 'error', { 'finished', now, 'exception', lostError(v[5] or claim or 'unknown') }, v[6] == '1')
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
  return verdicts
end

-- The claim of the jids in ARGV from index `from` on, for the worker, restarts and lost error in
-- ARGV[2..6] (as the claim and take scripts take them), settled and published: its verdicts.
local function claimArgv(from)
  local now = nowMs()
  local jids = {}
  for i = from, #ARGV do jids[#jids + 1] = tonumber(ARGV[i]) end
  local verdicts = claimJobs(jids, ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], now)
  settleAll(now)
  publishDone()
  return verdicts
end
