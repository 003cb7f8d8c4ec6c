-- Claim: which of these jobs the calling worker may run (claim-jobs.lua, claimJobs).
-- ARGV: P, me (worker id), maxRestarts, lost error name, code, message (with {worker}), jids...
-- Returns { verdicts, readyChunks }: a verdict is 'run', 'rerun', 'skip', 'lost' or 'held:<id>'.
local verdicts = claimArgv(7)
return { verdicts, readyOut }
