-- Take: a worker's first step with a chunk BullMQ handed it, in one call: reads the chunk (its
-- hash and its arguments) and, when this worker may run it (the wire version it was written with
-- is the worker's, and its jobs fit the worker's compute units), claims these jobs of it
-- (claim-jobs.lua, claimJobs). One round trip to Redis where a read and then a claim were two, on
-- the way of every job.
-- ARGV: P, me (worker id), maxRestarts, lost error name, code, message (with {worker}), chunk id,
-- wire version, the worker's compute units, the compute units of one core of each type
-- ('c1=1,c2=2.5,...'), jids...
-- Returns { 'gone' } once every job of the chunk is complete (its arguments are gone);
-- { 'read', fields, args } when the worker may not run it (nothing claimed); else
-- { 'taken', fields, args, verdicts, readyChunks }. fields: the chunk's hash, flat.
local id = ARGV[7]
local args = redis.call('GET', P .. 'args:' .. id)
local fields = redis.call('HGETALL', chunkKey(id))
if not args or #fields == 0 then return { 'gone' } end
local chunk = {}
for i = 1, #fields, 2 do chunk[fields[i]] = fields[i + 1] end
if chunk.first == nil then return { 'gone' } end

local perCore = {}
for type, units in string.gmatch(ARGV[10], '([^=,]+)=([^,]+)') do perCore[type] = tonumber(units) end
local units = perCore[chunk.type]
local fits = chunk.v == ARGV[8] and units ~= nil and units * tonumber(chunk.cores) <= tonumber(ARGV[9])
if not fits then return { 'read', fields, args } end

local verdicts = claimArgv(11)
return { 'taken', fields, args, verdicts, readyOut }
