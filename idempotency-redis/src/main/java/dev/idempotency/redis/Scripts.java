package dev.idempotency.redis;

/**
 * The Lua scripts, one per multi-step operation. Each touches exactly one key, so it can never fail
 * with CROSSSLOT on a cluster.
 *
 * <p>Fencing tokens are minted in one place, {@link #MINT}: the server's {@code TIME} in
 * microseconds, raised to the last token + 1 where one is still known, so they grow across claims,
 * takeovers and re-acquisitions without a counter key that outlives its data. They stay below 2^53
 * (about 285 years of microseconds), where Lua's numbers hold every integer exactly, and are written
 * with {@code %d}, never in exponent notation.
 */
final class Scripts {
  private Scripts() {}

  /**
   * {@code mint(last)}: a fencing token as text, greater than {@code last} (text, or nil). Scripts
   * define it after their read-only early returns, so a replay builds no closure.
   */
  static final String MINT = """
      local function mint(last)
        local now = redis.call('TIME')
        local token = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local floor = tonumber(last or '0') or 0
        if token <= floor then
          token = floor + 1
        end
        return string.format('%d', token)
      end
      """;

  /**
   * KEYS[1] record; ARGV fingerprint, lease ms. Returns the new token (a string) or the existing
   * record's {status, fp, token, payload} exactly as HMGET read it (a replay runs no other command
   * and builds no table: the server's cost of a replay is one HMGET plus the script's call).
   */
  static final RedisScript CLAIM = new RedisScript("claim", """
      local r = redis.call('HMGET', KEYS[1], 's', 'f', 't', 'p')
      if r[1] then
        return r
      end
      """ + MINT + """
      local token = mint(nil)
      redis.call('HSET', KEYS[1], 's', '0', 'f', ARGV[1], 't', token)
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return token
      """);

  /**
   * KEYS[1] record; ARGV token, payload, retention ms. Returns 1 if completed (or already completed
   * under this token: a retry whose first attempt landed though its reply was lost), 0 if the claim
   * was lost.
   */
  static final RedisScript COMPLETE = new RedisScript("complete", """
      local r = redis.call('HMGET', KEYS[1], 's', 't')
      if r[2] ~= ARGV[1] then
        return 0
      end
      if r[1] == '0' then
        redis.call('HSET', KEYS[1], 's', '1', 'p', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
      end
      if r[1] == '1' then
        return 1
      end
      return 0
      """);

  /** KEYS[1] record; ARGV token. Returns 1 if released (deleted), 0 if the claim was lost. */
  static final RedisScript RELEASE = new RedisScript("release", """
      local r = redis.call('HMGET', KEYS[1], 's', 't')
      if r[1] == '0' and r[2] == ARGV[1] then
        redis.call('DEL', KEYS[1])
        return 1
      end
      return 0
      """);

  /**
   * KEYS[1] lock; ARGV owner, lease ms. Returns the fencing token (a string) if acquired or
   * re-entered, false (nil) if another owner holds it. A released lock keeps its last token in a
   * short-lived tombstone (no owner) so that the next token is greater even within one microsecond.
   */
  static final RedisScript LOCK_ACQUIRE = new RedisScript("lock-acquire", """
      local r = redis.call('HMGET', KEYS[1], 'o', 't')
      if r[1] == ARGV[1] then
        redis.call('HINCRBY', KEYS[1], 'n', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return r[2]
      end
      if r[1] then
        return false
      end
      """ + MINT + """
      local t = mint(r[2])
      redis.call('HSET', KEYS[1], 'o', ARGV[1], 'n', '1', 't', t)
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return t
      """);

  /** KEYS[1] lock; ARGV owner, tombstone ms. Returns 1 if the owner held it, 0 otherwise. */
  static final RedisScript LOCK_RELEASE = new RedisScript("lock-release", """
      local r = redis.call('HMGET', KEYS[1], 'o', 'n')
      if r[1] ~= ARGV[1] then
        return 0
      end
      if (tonumber(r[2]) or 1) > 1 then
        redis.call('HINCRBY', KEYS[1], 'n', -1)
      else
        redis.call('HDEL', KEYS[1], 'o', 'n')
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
      end
      return 1
      """);

  /** KEYS[1] lock; ARGV owner, lease ms. Returns 1 if extended, 0 if the owner does not hold it. */
  static final RedisScript LOCK_EXTEND = new RedisScript("lock-extend", """
      if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then
        return 0
      end
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return 1
      """);

  /** KEYS[1] entity; ARGV state, ttl ms. Returns 1 if created, 0 if the id exists. */
  static final RedisScript STATE_CREATE = new RedisScript("state-create", """
      if redis.call('EXISTS', KEYS[1]) == 1 then
        return 0
      end
      redis.call('HSET', KEYS[1], 's', ARGV[1], 'v', '0')
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return 1
      """);

  /**
   * KEYS[1] entity; ARGV to, expected version (-1 for any), ttl ms, fencing token (-1 for none),
   * from states... Returns {} if not found, else {applied (1/0), state, version, fence (-1 if
   * none)}. A fenced write needs the stored fence ({@code f}) to be at most its token, and raises it.
   */
  static final RedisScript STATE_TRANSITION = new RedisScript("state-transition", """
      local r = redis.call('HMGET', KEYS[1], 's', 'v', 'f')
      if not r[1] then
        return {}
      end
      local fence = tonumber(r[3] or '-1')
      local token = tonumber(ARGV[4])
      local allowed = false
      for i = 5, #ARGV do
        if ARGV[i] == r[1] then
          allowed = true
          break
        end
      end
      if allowed and (ARGV[2] == '-1' or ARGV[2] == r[2]) and (token < 0 or fence <= token) then
        -- One HSET of every changed field; the version read above is the one to move on from.
        local v = (tonumber(r[2]) or 0) + 1
        local vs = string.format('%d', v)
        if token >= 0 then
          redis.call('HSET', KEYS[1], 's', ARGV[1], 'v', vs, 'f', ARGV[4])
          fence = token
        else
          redis.call('HSET', KEYS[1], 's', ARGV[1], 'v', vs)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {1, ARGV[1], v, string.format('%d', fence)}
      end
      return {0, r[1], tonumber(r[2]), string.format('%d', fence)}
      """);
}
