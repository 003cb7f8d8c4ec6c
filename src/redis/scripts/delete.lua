-- Delete: forgets complete jobs; a chunk goes with its last record. Nothing changes unless every
-- jid is known and complete. ARGV: P, jids... Returns { 'ok' }, { 'unknown', jid } or { 'unfinished', jid }.
for i = 2, #ARGV do
  local status = redis.call('HGET', jobKey(tonumber(ARGV[i])), 'status')
  if not status then return { 'unknown', ARGV[i] } end
  if not COMPLETE[status] then return { 'unfinished', ARGV[i] } end
end
for i = 2, #ARGV do
  local key = jobKey(tonumber(ARGV[i]))
  redis.call('DEL', P .. 'children:' .. ARGV[i])
  local chunk = redis.call('HGET', key, 'chunk')
  if chunk and redis.call('DEL', key) == 1 then
    if redis.call('HINCRBY', chunkKey(chunk), 'records', -1) <= 0 then redis.call('DEL', chunkKey(chunk)) end
  end
end
return { 'ok' }
