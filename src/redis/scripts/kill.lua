-- Kill: the unfinished ones of these jobs (every unfinished job with mode 'all'; with mode 'tree',
-- also the jobs they started, transitively) end 'killed' at once; their dependents stall (or count
-- down, with dependsOnErrors 'ignore'); `done` and `kill` are published (the workers holding them
-- stop them).
-- ARGV: P, mode ('all', 'list' or 'tree'), jids... Returns { killed, readyChunks } or { 'unknown', jid }.
local now = nowMs()
local targets = {}
if ARGV[2] == 'list' or ARGV[2] == 'tree' then
  for i = 3, #ARGV do
    local jid = tonumber(ARGV[i])
    if redis.call('EXISTS', jobKey(jid)) == 0 then return { 'unknown', num(jid) } end
    targets[#targets + 1] = jid
  end
  -- A job's children have larger jids than it: the walk ends.
  local next = 1
  while ARGV[2] == 'tree' and next <= #targets do
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'children:' .. num(targets[next]))) do
      local c = chunkOf(id)
      if c.first ~= nil then
        for jid = c.first, c.first + c.count - 1 do targets[#targets + 1] = jid end
      end
    end
    next = next + 1
  end
else
  for _, id in ipairs(redis.call('SMEMBERS', LIVE)) do
    local c = chunkOf(id)
    if c.first ~= nil then
      for jid = c.first, c.first + c.count - 1 do targets[#targets + 1] = jid end
    end
  end
end

local killed = {}
for _, jid in ipairs(targets) do
  local v = redis.call('HMGET', jobKey(jid), 'status', 'chunk', 'dependents')
  if UNFINISHED[v[1]] then
    finish(jid, chunkOf(v[2]), v[1], 'killed', { 'finished', now }, v[3] == '1')
    killed[#killed + 1] = jid
  end
end
settleAll(now)
publishDone()
if #killed > 0 then redis.call('PUBLISH', P .. 'kill', formatJids(killed)) end
return { killed, readyOut }
