-- List: jids matching a filter, newest first, scanning down at most `maxScan` jids per call so a
-- long scan never holds Redis for long. ARGV: P, from (0: the newest jid), maxScan, limit,
-- statuses (comma list, '' for any), hasLabel ('1'/'0'), label. Returns { jids, next } (next 0: no more).
local from = tonumber(ARGV[2])
if from == 0 then from = tonumber(redis.call('GET', P .. 'jid') or '0') end
local stop = math.max(0, from - tonumber(ARGV[3]))
local limit = tonumber(ARGV[4])
local wanted = nil
if ARGV[5] ~= '' then
  wanted = {}
  for status in string.gmatch(ARGV[5], '[^,]+') do wanted[status] = true end
end
local labels = {}
local found = {}
local jid = from
while jid > stop and #found < limit do
  local v = redis.call('HMGET', jobKey(jid), 'status', 'chunk')
  if v[1] and (wanted == nil or wanted[v[1]]) then
    local match = true
    if ARGV[6] == '1' then
      local label = labels[v[2]]
      if label == nil then
        label = redis.call('HGET', chunkKey(v[2]), 'label') or false
        labels[v[2]] = label
      end
      match = label == ARGV[7]
    end
    if match then found[#found + 1] = jid end
  end
  jid = jid - 1
end
return { found, jid }
