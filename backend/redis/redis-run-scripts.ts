// The Lua scripts of RedisRunRegistry: each read-then-write runs as one script, so it is atomic
// however many instances race. A script touches the keys of one user only (they share a hash
// tag); the keys of other runs of that user are built from the run-key prefix it is given.

/**
 * Claim. KEYS: idempotency key, active, budget, run, conversation. ARGV: run id, record JSON,
 * claim time, lease clock, max active, turns per minute, lease expiry, safety TTL, budget window
 * (ms), the run-key prefix of the user (`…:run:`).
 * Returns `{'existing', runId}`, `{'limit', active}`, `{'rate-limited', used, oldestClaim}` or
 * `{'created', used, oldestClaim}`.
 */
export const CLAIM_SCRIPT = `
-- Whether a run can be attached to: its record is there and it did not fail before streaming.
local function usable(runId)
  local run = ARGV[10] .. runId
  return redis.call('HGET', run, 'record') and not redis.call('HGET', run, 'failure')
end
local existing = redis.call('GET', KEYS[1])
if existing then
  -- A key whose run is gone or failed before streaming (its owner may have died between the
  -- failure and its release) names nothing to attach to: it is free again.
  if usable(existing) then return {'existing', existing} end
  redis.call('DEL', KEYS[1])
end
-- Runs whose owner stopped renewing its lease are dead: they no longer count against the cap.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
local active = redis.call('ZCARD', KEYS[2])
if active >= tonumber(ARGV[5]) then return {'limit', active} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[9]))
local used = redis.call('ZCARD', KEYS[3])
if used >= tonumber(ARGV[6]) then
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return {'rate-limited', used, oldest[2]}
end
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[9])
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[8])
redis.call('HSET', KEYS[4], 'record', ARGV[2], 'state', 'running')
redis.call('PEXPIRE', KEYS[4], ARGV[8])
-- The conversation names its running run; a second turn claimed while it runs (which the
-- store will refuse as busy) must not take its place.
local current = redis.call('GET', KEYS[5])
if not current or not usable(current) or redis.call('HGET', ARGV[10] .. current, 'state') ~= 'running' then
  redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[8])
end
local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
return {'created', used + 1, oldest[2]}
`;

/**
 * Finish. KEYS: active, conversation, run, idempotency key, budget, events, stop flag. ARGV: run
 * id, '1' when it failed before streaming, replay TTL, failure TTL (ms). Returns 1 when this call
 * ended it.
 */
export const FINISH_SCRIPT = `
if redis.call('HGET', KEYS[3], 'state') ~= 'running' then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('DEL', KEYS[7])
redis.call('HSET', KEYS[3], 'state', 'ended')
local ttl = ARGV[3]
if ARGV[2] == '1' then
  -- Only turns that start count against the budget, and a failed one's key is free at once.
  -- Nothing to replay: forgotten by key and id; its failure stays a moment for followers.
  ttl = ARGV[4]
  redis.call('HDEL', KEYS[3], 'record')
  redis.call('ZREM', KEYS[5], ARGV[1])
  if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
elseif redis.call('GET', KEYS[4]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[4], ttl)
end
redis.call('PEXPIRE', KEYS[3], ttl)
redis.call('PEXPIRE', KEYS[6], ttl)
return 1
`;

/**
 * Take a dead owner's run for settling. KEYS: leases. ARGV: member, expected score (the expired
 * lease), settle lease expiry. Moves the lease to the settle expiry only if nobody else did
 * (the owner renewed it, or another reaper took it): 1 when this caller may settle the run. A
 * reaper that fails halfway leaves its settle lease to expire, and the run is settled again.
 */
export const TAKE_EXPIRED_SCRIPT = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
`;

/**
 * Restore a lease the owner found gone. KEYS: leases, active, run, idempotency key,
 * conversation. ARGV: lease member, run id, record JSON, lease expiry, safety TTL (ms), `1` to
 * write a run whose hash is gone. A run a reaper settled is ended in its hash: 0, the owner must
 * stop. A running one gets its lease back: 1. A run whose hash is gone (Redis restarted empty, or
 * the hash expired long after a reaper settled it) is 2 without `1` — the owner asks its store
 * which — and with it is written again, so followers, stops and the cap find it: 1.
 */
export const RESTORE_SCRIPT = `
local state = redis.call('HGET', KEYS[3], 'state')
if state and state ~= 'running' then return 0 end
if not state and ARGV[6] ~= '1' then return 2 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
if not state then
  redis.call('HSET', KEYS[3], 'record', ARGV[3], 'state', 'running')
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
  redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[5], 'NX')
  redis.call('SET', KEYS[5], ARGV[2], 'PX', ARGV[5], 'NX')
end
return 1
`;

/**
 * Find a run by idempotency key. KEYS: the idempotency key. ARGV: the run-key prefix of the user
 * (`…:run:`). Returns the run hash's fields and values (HGETALL), or nil when the key names none.
 */
export const FIND_BY_KEY_SCRIPT = `
local runId = redis.call('GET', KEYS[1])
if not runId then return nil end
return redis.call('HGETALL', ARGV[1] .. runId)
`;
