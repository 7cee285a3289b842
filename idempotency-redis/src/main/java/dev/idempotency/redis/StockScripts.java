package dev.idempotency.redis;

/**
 * The Lua scripts of stock reservation. An item is one hash, {@code prefix:stock:{item}}: fields
 * {@code a} available, {@code r} reserved, {@code c} confirmed, and one field {@code h:<holder>}
 * per holder holding {@code R<quantity>} or {@code C<quantity>}. Counts and holders share the key,
 * so every script touches one key: atomic on Redis Cluster too. Counts change only through
 * {@code HINCRBY} with string arguments, exact to 2^63.
 */
final class StockScripts {
  private StockScripts() {}

  /** KEYS[1] item; ARGV available, ttl ms. Returns 1 if declared, 0 if it existed. */
  static final RedisScript DECLARE = new RedisScript("stock-declare", """
      if redis.call('HSETNX', KEYS[1], 'a', ARGV[1]) == 1 then
        redis.call('HSET', KEYS[1], 'r', '0', 'c', '0')
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      return 0
      """);

  /** KEYS[1] item; ARGV available, ttl ms. Returns {} if it was absent, else {a, r, c} before. */
  static final RedisScript REPAIR = new RedisScript("stock-repair", """
      local r = redis.call('HMGET', KEYS[1], 'a', 'r', 'c')
      redis.call('HSET', KEYS[1], 'a', ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      if not r[1] then
        redis.call('HSET', KEYS[1], 'r', '0', 'c', '0')
        return {}
      end
      return {r[1], r[2] or '0', r[3] or '0'}
      """);

  /**
   * KEYS[1] item; ARGV holder field, quantity, ttl ms. Returns {0} not stocked, {1, available} sold
   * out, {2, available, holding} already reserved, {3, available} reserved.
   */
  static final RedisScript RESERVE = new RedisScript("stock-reserve", """
      local r = redis.call('HMGET', KEYS[1], 'a', ARGV[1])
      if not r[1] then
        return {0}
      end
      if r[2] then
        return {2, r[1], r[2]}
      end
      if tonumber(r[1]) < tonumber(ARGV[2]) then
        return {1, r[1]}
      end
      local left = redis.call('HINCRBY', KEYS[1], 'a', '-' .. ARGV[2])
      redis.call('HINCRBY', KEYS[1], 'r', ARGV[2])
      redis.call('HSET', KEYS[1], ARGV[1], 'R' .. ARGV[2])
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      return {3, left}
      """);

  /** KEYS[1] item; ARGV holder field, ttl ms. Returns 1 released, 0 not reserved, 2 already confirmed. */
  static final RedisScript RELEASE = new RedisScript("stock-release", """
      local h = redis.call('HGET', KEYS[1], ARGV[1])
      if not h then
        return 0
      end
      if string.sub(h, 1, 1) == 'C' then
        return 2
      end
      local q = string.sub(h, 2)
      redis.call('HINCRBY', KEYS[1], 'a', q)
      redis.call('HINCRBY', KEYS[1], 'r', '-' .. q)
      redis.call('HDEL', KEYS[1], ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return 1
      """);

  /** KEYS[1] item; ARGV holder field, ttl ms. Returns 1 confirmed, 0 not reserved, 2 already confirmed. */
  static final RedisScript CONFIRM = new RedisScript("stock-confirm", """
      local h = redis.call('HGET', KEYS[1], ARGV[1])
      if not h then
        return 0
      end
      if string.sub(h, 1, 1) == 'C' then
        return 2
      end
      local q = string.sub(h, 2)
      redis.call('HINCRBY', KEYS[1], 'r', '-' .. q)
      redis.call('HINCRBY', KEYS[1], 'c', q)
      redis.call('HSET', KEYS[1], ARGV[1], 'C' .. q)
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return 1
      """);

  /**
   * KEYS[1] the limited key's hash (one field per tier); ARGV permits, then interval and capacity
   * (microseconds) per tier. GCRA on the server's clock, all tiers or none (see
   * {@code RateLimiter}). Returns 0 if granted, else the microseconds to wait (a string).
   */
  static final RedisScript RATE_LIMIT = new RedisScript("rate-limit", """
      local n = (#ARGV - 1) / 2
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local permits = tonumber(ARGV[1])
      local fields = {}
      for i = 1, n do
        fields[i] = tostring(i)
      end
      local stored = redis.call('HMGET', KEYS[1], unpack(fields))
      local nexts = {}
      local wait = 0
      local last = now
      for i = 1, n do
        local tat = tonumber(stored[i]) or now
        if tat < now then
          tat = now
        end
        local nx = tat + permits * tonumber(ARGV[2 * i])
        nexts[i] = nx
        local w = nx - tonumber(ARGV[2 * i + 1]) - now
        if w > wait then
          wait = w
        end
        if nx > last then
          last = nx
        end
      end
      if wait > 0 then
        return string.format('%.0f', wait)
      end
      local args = {}
      for i = 1, n do
        args[2 * i - 1] = fields[i]
        args[2 * i] = string.format('%.0f', nexts[i])
      end
      redis.call('HSET', KEYS[1], unpack(args))
      redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil((last - now) / 1000) + 1000))
      return 0
      """);
}
