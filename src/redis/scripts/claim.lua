-- Claim: which of these jobs the calling worker may run (claim-jobs.lua, claimJobs).
-- ARGV: P, me (worker id), maxRestarts, lost error name, code, message (with {worker}), jids...
-- Returns { verdicts, readyChunks }: a verdict is 'run', 'rerun', 'skip', 'lost' or 'held:<id>'.
local now = nowMs()
local jids = {}
for i = 7, #ARGV do jids[#jids + 1] = tonumber(ARGV[i]) end
local verdicts = claimJobs(jids, ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], now)
settleAll(now)
publishDone()
return { verdicts, readyOut }
