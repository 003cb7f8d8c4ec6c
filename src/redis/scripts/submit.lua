-- Submit: a submission's jobs, chunks, arguments and dependency edges, in one step, so a
-- dependency that completes meanwhile is either complete here or tells these chunks later.
-- ARGV: P, count, chunkSize, fnId, fnBytes ('' when the client stored it before), fnName, type,
-- cores, priority, hasLabel ('1'/'0'), label, dependsOn (comma list), dependsOnErrors,
-- maxRuntime ('' none), restartable ('1'/'0'), parent ('' none), wire version, the options the
-- worker alone reads as JSON (retry, env; '' none), then one argument blob per chunk. Returns { first, readyChunks } or { 'unknown', jid } or { 'nofn', fnId }.
local count = tonumber(ARGV[2])
local size = tonumber(ARGV[3])
local fnId = ARGV[4]
local ignore = ARGV[13] == 'ignore'

local deps = {}
local seen = {}
for dep in string.gmatch(ARGV[12], '[^,]+') do
  if not seen[dep] then
    seen[dep] = true
    deps[#deps + 1] = tonumber(dep)
  end
end

-- Everything is checked before anything is written.
local pendingDeps = {}
local failed = false
for _, dep in ipairs(deps) do
  local status = redis.call('HGET', jobKey(dep), 'status')
  if not status then return { 'unknown', num(dep) } end
  if UNFINISHED[status] then
    pendingDeps[#pendingDeps + 1] = dep
  elseif status ~= 'done' and not ignore then
    failed = true
  end
end
local fnKey = P .. 'fn:' .. fnId
if ARGV[5] == '' and not failed and redis.call('EXISTS', fnKey) == 0 then return { 'nofn', fnId } end

local last = redis.call('INCRBY', P .. 'jid', count)
local first = last - count + 1
local now = nowMs()
local status = 'queued'
if failed then status = 'stalled' elseif #pendingDeps > 0 then status = 'waiting' end
local chunkCount = math.ceil(count / size)
if not failed then
  if ARGV[5] ~= '' then redis.call('SET', fnKey, ARGV[5], 'NX') end
  redis.call('HINCRBY', FN_REFS, fnId, chunkCount)
  -- One that lingered after its last chunk (common.lua, releaseFn) is kept again.
  redis.call('PERSIST', fnKey)
end

for k = 0, chunkCount - 1 do
  local cfirst = first + k * size
  local ccount = math.min(size, last - cfirst + 1)
  local id = num(cfirst)
  local left = ccount
  if failed then left = 0 end
  local fields = {
    'fn', fnId, 'fnName', ARGV[6], 'type', ARGV[7], 'cores', ARGV[8], 'priority', ARGV[9],
    'dependsOn', ARGV[12], 'dependsOnErrors', ARGV[13], 'restartable', ARGV[15], 'v', ARGV[17],
    'first', id, 'count', ccount, 'pending', #pendingDeps, 'left', left, 'records', ccount, 'created', now,
  }
  if ARGV[10] == '1' then fields[#fields + 1] = 'label'; fields[#fields + 1] = ARGV[11] end
  if ARGV[14] ~= '' then fields[#fields + 1] = 'maxRuntime'; fields[#fields + 1] = ARGV[14] end
  if ARGV[16] ~= '' then fields[#fields + 1] = 'parent'; fields[#fields + 1] = ARGV[16] end
  if ARGV[18] ~= '' then fields[#fields + 1] = 'workerOptions'; fields[#fields + 1] = ARGV[18] end
  redis.call('HSET', chunkKey(id), unpack(fields))
  -- What a recursive kill of the parent follows.
  if ARGV[16] ~= '' then redis.call('SADD', P .. 'children:' .. ARGV[16], id) end
  for jid = cfirst, cfirst + ccount - 1 do
    if failed then
      redis.call('HSET', jobKey(jid), 'status', status, 'chunk', id, 'finished', now)
    else
      redis.call('HSET', jobKey(jid), 'status', status, 'chunk', id)
    end
  end
  if not failed then
    redis.call('SET', P .. 'args:' .. id, ARGV[19 + k])
    redis.call('SADD', LIVE, id)
  end
  if status == 'waiting' then
    for _, dep in ipairs(pendingDeps) do redis.call('SADD', P .. 'dependents:' .. num(dep), id) end
    if k == 0 then
      for _, dep in ipairs(pendingDeps) do redis.call('HSET', jobKey(dep), 'dependents', '1') end
    end
  elseif status == 'queued' then
    redis.call('SADD', READY, id)
    addReady({ id = id, type = ARGV[7], priority = ARGV[9], count = ccount })
  end
end

if failed then
  redis.call('PUBLISH', P .. 'done', num(first) .. '-' .. num(last))
else
  redis.call('HINCRBY', COUNTS, status .. '|' .. ARGV[7] .. '|' .. ARGV[8], count)
end
return { first, readyOut }
