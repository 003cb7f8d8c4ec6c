-- Read: what a client asks of many jobs at once, in one call instead of one command per job.
-- ARGV: P, what ('status' or 'result'), jids as `a-b` ranges and single jids, comma-separated.
-- Returns, flat, per jid: its status ('status'), or its status, exception and value ('result');
-- false where absent (an unknown jid has no status).
local out = {}
local function readOne(jid)
  if ARGV[2] == 'status' then
    out[#out + 1] = redis.call('HGET', jobKey(jid), 'status')
  else
    local v = redis.call('HMGET', jobKey(jid), 'status', 'exception', 'value')
    out[#out + 1] = v[1]
    out[#out + 1] = v[2]
    out[#out + 1] = v[3]
  end
end
for part in string.gmatch(ARGV[3], '[^,]+') do
  local dash = string.find(part, '-', 1, true)
  if dash then
    for jid = tonumber(string.sub(part, 1, dash - 1)), tonumber(string.sub(part, dash + 1)) do readOne(jid) end
  else
    readOne(tonumber(part))
  end
end
return out
