-- What every record script shares: the keys of one queue (ARGV[1] is its prefix P, see
-- redis-keys.ts), status moves that keep the counts, completion, and the walk that tells each
-- completed job's dependents: counted down to ready, or stalled, transitively.
local P = ARGV[1]
local COUNTS = P .. 'counts'
local LIVE = P .. 'live'
local READY = P .. 'ready'
local FN_REFS = P .. 'fnrefs'

local UNFINISHED = { queued = true, waiting = true, processing = true }
local COMPLETE = { done = true, error = true, killed = true, stalled = true }

-- A jid as text: '%d', never the '1e+15' that tostring gives large numbers.
local function num(n)
  return string.format('%d', n)
end

local function jobKey(jid)
  return P .. 'job:' .. num(jid)
end

local function chunkKey(id)
  return P .. 'chunk:' .. id
end

local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The chunk hashes a script reads, each read once. `first` is nil for a chunk deleted already.
local chunks = {}
local function chunkOf(id)
  local c = chunks[id]
  if c == nil then
    local v = redis.call('HMGET', chunkKey(id), 'type', 'cores', 'priority', 'first', 'count', 'dependsOnErrors', 'restartable', 'fn', 'claim')
    c = {
      id = id, type = v[1], cores = v[2], priority = v[3], first = tonumber(v[4]), count = tonumber(v[5]),
      ignore = v[6] == 'ignore', restartable = v[7] == '1', fn = v[8], claim = v[9] or nil,
    }
    chunks[id] = c
  end
  return c
end

-- The worker that holds a job (nil: none). A job's own `claim` field says so when it has one ('':
-- given back, nobody); else its chunk's `claim`: the first take of a whole chunk claims every job
-- of it with one write there, and only a later take (a lost worker's jobs) writes jobs' own fields.
local function holderOf(jobClaim, c)
  if jobClaim then
    if jobClaim == '' then return nil end
    return jobClaim
  end
  return c.claim
end

-- Changes to `P counts` (unfinished jobs by status|type|cores) and to chunks' `left` (jobs not
-- complete), summed while the script runs and written once at its end (flush): a script that
-- touches a thousand jobs of a chunk writes each sum once, not a thousand times.
local countDeltas = {}
local leftDeltas = {}

local function countMove(c, from, to)
  if UNFINISHED[from] then
    local field = from .. '|' .. c.type .. '|' .. c.cores
    countDeltas[field] = (countDeltas[field] or 0) - 1
  end
  if UNFINISHED[to] then
    local field = to .. '|' .. c.type .. '|' .. c.cores
    countDeltas[field] = (countDeltas[field] or 0) + 1
  end
end

-- Moves a job between statuses, with `fields` (a flat list) written in the same HSET.
local function move(jid, c, from, to, fields)
  if fields then
    redis.call('HSET', jobKey(jid), 'status', to, unpack(fields))
  else
    redis.call('HSET', jobKey(jid), 'status', to)
  end
  countMove(c, from, to)
end

-- How long a function no chunk may run any more stays, in ms: a client calling it in a loop
-- finds it there and sends no bytes, where a function dropped at once cost every call a second
-- submit with them (its first answered 'nofn'). A submission that names it again keeps it (PERSIST).
local FN_LINGER_MS = 60000

-- A function is kept while some chunk that may still run it is unfinished, then FN_LINGER_MS.
local function releaseFn(fn)
  if redis.call('HINCRBY', FN_REFS, fn, -1) <= 0 then
    redis.call('HDEL', FN_REFS, fn)
    redis.call('PEXPIRE', P .. 'fn:' .. fn, FN_LINGER_MS)
  end
end

-- Chunks made ready by this script, flat: id, type, priority, count (what a ChunkRef holds).
local readyOut = {}
local readySeen = {}
local function addReady(c)
  if readySeen[c.id] then return end
  readySeen[c.id] = true
  readyOut[#readyOut + 1] = c.id
  readyOut[#readyOut + 1] = c.type
  readyOut[#readyOut + 1] = c.priority
  readyOut[#readyOut + 1] = num(c.count)
end

-- Jobs made complete by this script (for the `done` message), and those whose dependents are
-- still to be told (a stack: the walk is depth-first, and a diamond is reached once per edge).
-- A job has dependents to tell only when its hash says so (`dependents` = '1', set by submit).
local completed = {}
local completedDone = {}
local toSettle = {}

-- Ends an unfinished job with a complete status; `fields` must hold its `finished`.
local function finish(jid, c, from, status, fields, hasDependents)
  move(jid, c, from, status, fields)
  leftDeltas[c.id] = (leftDeltas[c.id] or 0) + 1
  if status == 'done' then completedDone[#completedDone + 1] = jid else completed[#completed + 1] = jid end
  if hasDependents then toSettle[#toSettle + 1] = { jid, status } end
end

-- Every dependency of the chunk is complete: its waiting jobs are queued, and it is ready.
local function makeReady(c)
  local moved = false
  for jid = c.first, c.first + c.count - 1 do
    if redis.call('HGET', jobKey(jid), 'status') == 'waiting' then
      move(jid, c, 'waiting', 'queued')
      moved = true
    end
  end
  if moved then
    redis.call('SADD', READY, c.id)
    addReady(c)
  end
end

local function stallChunk(c, now)
  for jid = c.first, c.first + c.count - 1 do
    local v = redis.call('HMGET', jobKey(jid), 'status', 'dependents')
    if v[1] == 'waiting' then finish(jid, c, 'waiting', 'stalled', { 'finished', now }, v[2] == '1') end
  end
end

-- Tells the dependents of every job completed so far, and of those that completes, until none is left.
local function settleAll(now)
  while #toSettle > 0 do
    local item = table.remove(toSettle)
    local status = item[2]
    local key = P .. 'dependents:' .. num(item[1])
    local dependents = redis.call('SMEMBERS', key)
    redis.call('DEL', key)
    for _, id in ipairs(dependents) do
      local c = chunkOf(id)
      if c.first ~= nil then
        if status == 'done' or c.ignore then
          if redis.call('HINCRBY', chunkKey(id), 'pending', -1) == 0 then makeReady(c) end
        else
          stallChunk(c, now)
        end
      end
    end
  end
end

-- Writes the sums: counts, and chunks' `left` (a chunk whose last job completed loses its arguments).
local function flush()
  for field, delta in pairs(countDeltas) do
    if delta ~= 0 and redis.call('HINCRBY', COUNTS, field, delta) <= 0 then redis.call('HDEL', COUNTS, field) end
  end
  for id, finished in pairs(leftDeltas) do
    if redis.call('HINCRBY', chunkKey(id), 'left', -finished) <= 0 then
      redis.call('DEL', P .. 'args:' .. id)
      redis.call('SREM', LIVE, id)
      redis.call('SREM', READY, id)
      releaseFn(chunkOf(id).fn)
    end
  end
end

-- Jids as a channel message: sorted, consecutive runs as 'a-b', comma-separated.
local function formatJids(list)
  table.sort(list)
  local parts = {}
  local i = 1
  while i <= #list do
    local j = i
    while j < #list and list[j + 1] == list[j] + 1 do j = j + 1 end
    if j == i then parts[#parts + 1] = num(list[i]) else parts[#parts + 1] = num(list[i]) .. '-' .. num(list[j]) end
    i = j + 1
  end
  return table.concat(parts, ',')
end

-- The end of every script that changes statuses: the sums written, `done` published: the jids
-- that failed (or were killed or stalled), then, after a '|', those now 'done' (a waiter reads
-- the statuses of the first part only: complete records never change).
local function publishDone()
  flush()
  if #completedDone > 0 then
    redis.call('PUBLISH', P .. 'done', formatJids(completed) .. '|' .. formatJids(completedDone))
  elseif #completed > 0 then
    redis.call('PUBLISH', P .. 'done', formatJids(completed))
  end
end

-- ---- the script itself follows ----
