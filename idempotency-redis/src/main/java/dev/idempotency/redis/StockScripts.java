package dev.idempotency.redis;

import dev.idempotency.stock.StockReservations;

/**
 * The Lua scripts of stock reservation. An item is one hash, {@code prefix:stock:{item}}: fields
 * {@code a} available, {@code r} reserved, {@code c} confirmed, and one field {@code h:<holder>}
 * per holder holding {@code R<quantity>:<id>:<hold end, server ms>} or {@code C<quantity>:<id>}.
 * Beside it a sorted set, {@code prefix:stockholds:{item}}, indexes the unconfirmed holders by the
 * end of their hold. Both keys share the item's hash tag, so every script is atomic on Redis Cluster
 * too. Counts change only through {@code HINCRBY} with string arguments, exact to 2^63; times are
 * whole milliseconds of the server's {@code TIME}, exact in Lua's doubles, written with {@code %d}.
 *
 * <p>Every script but the declaration first returns every ended hold of the item to stock, oldest
 * first, so every answer is as if the hold's units had gone back when it ended. Each hold is
 * returned once, by the first operation on its item after its end: a script that finds n ended
 * holds does about 5n commands more, once.
 */
final class StockScripts {
  private StockScripts() {}

  /**
   * The functions every script shares. {@code parse} answers kind, quantity, id and end of a holder
   * value (nil for a malformed one); {@code giveBack} returns a hold's units and forgets it;
   * {@code live} reads a holder's value, returning its ended hold first; {@code unsettled} answers
   * -1 (malformed), 0 (no live reservation with this id), 2 (confirmed), or nil and the quantity of
   * the holder's unconfirmed reservation with this id.
   */
  private static final String PRELUDE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local function parse(h)
        local k, q, id, e = string.match(h, '^([RC])(%d+):([%w_-]+):?(%d*)$')
        if not k or (k == 'R' and e == '') or (k == 'C' and e ~= '') or #id > MAX_ID
            or tonumber(q) < 1 or tonumber(q) > MAX_QUANTITY then
          return nil
        end
        return k, q, id, tonumber(e)
      end
      local function giveBack(field, q)
        redis.call('HINCRBY', KEYS[1], 'a', q)
        redis.call('HINCRBY', KEYS[1], 'r', '-' .. q)
        redis.call('HDEL', KEYS[1], field)
        redis.call('ZREM', KEYS[2], field)
      end
      local ended = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', string.format('%d', now))
      for _, f in ipairs(ended) do
        local h = redis.call('HGET', KEYS[1], f)
        local k, q, _, e = nil, nil, nil, nil
        if h then
          k, q, _, e = parse(h)
        end
        if k == 'R' and e <= now then
          giveBack(f, q)
        else
          redis.call('ZREM', KEYS[2], f)
        end
      end
      local function live(field)
        local h = redis.call('HGET', KEYS[1], field)
        if not h then
          return nil
        end
        local k, q, id, e = parse(h)
        if not k then
          return false, h
        end
        if k == 'R' and e <= now then
          giveBack(field, q)
          return nil
        end
        return h, k, q, id
      end
      local function unsettled(field, wanted)
        local h, k, q, id = live(field)
        if h == false then
          return -1
        end
        if not h or id ~= wanted then
          return 0
        end
        if k == 'C' then
          return 2
        end
        return nil, q
      end
      """.replace("MAX_ID", Integer.toString(StockReservations.MAX_ID_LENGTH))
      .replace("MAX_QUANTITY", Long.toString(StockReservations.MAX_QUANTITY));

  /** KEYS[1] item, KEYS[2] its holds; ARGV available, ttl ms. Returns 1 if declared, 0 if it existed. */
  static final RedisScript DECLARE = new RedisScript("stock-declare", """
      if redis.call('HSETNX', KEYS[1], 'a', ARGV[1]) == 1 then
        redis.call('HSET', KEYS[1], 'r', '0', 'c', '0')
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return 1
      end
      return 0
      """);

  /** KEYS[1] item, KEYS[2] its holds; ARGV available, ttl ms. Returns {} if it was absent, else {a, r, c} before. */
  static final RedisScript REPAIR = new RedisScript("stock-repair", PRELUDE + """
      local r = redis.call('HMGET', KEYS[1], 'a', 'r', 'c')
      redis.call('HSET', KEYS[1], 'a', ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      redis.call('PEXPIRE', KEYS[2], ARGV[2])
      if not r[1] then
        redis.call('HSET', KEYS[1], 'r', '0', 'c', '0')
        return {}
      end
      return {r[1], r[2] or '0', r[3] or '0'}
      """);

  /**
   * KEYS[1] item, KEYS[2] its holds; ARGV holder field, quantity, ttl ms, id, hold ms. Returns {0}
   * not stocked, {1, available} sold out, {2, available, holding} already reserved, {3, available}
   * reserved, {-1, holding} a malformed holder value.
   */
  static final RedisScript RESERVE = new RedisScript("stock-reserve", PRELUDE + """
      local a = redis.call('HGET', KEYS[1], 'a')
      if not a then
        return {0}
      end
      local h, raw = live(ARGV[1])
      if h == false then
        return {-1, raw}
      end
      if h then
        return {2, redis.call('HGET', KEYS[1], 'a'), h}
      end
      a = redis.call('HGET', KEYS[1], 'a')
      if tonumber(a) < tonumber(ARGV[2]) then
        return {1, a}
      end
      local left = redis.call('HINCRBY', KEYS[1], 'a', '-' .. ARGV[2])
      redis.call('HINCRBY', KEYS[1], 'r', ARGV[2])
      local ends = string.format('%d', now + tonumber(ARGV[5]))
      redis.call('HSET', KEYS[1], ARGV[1], 'R' .. ARGV[2] .. ':' .. ARGV[4] .. ':' .. ends)
      redis.call('ZADD', KEYS[2], ends, ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
      return {3, left}
      """);

  /**
   * KEYS[1] item, KEYS[2] its holds; ARGV holder field, id, ttl ms. Returns 1 released, 0 not
   * reserved (or another id), 2 already confirmed, -1 a malformed holder value.
   */
  static final RedisScript RELEASE = new RedisScript("stock-release", PRELUDE + """
      local outcome, q = unsettled(ARGV[1], ARGV[2])
      if outcome then
        return outcome
      end
      giveBack(ARGV[1], q)
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
      return 1
      """);

  /**
   * KEYS[1] item, KEYS[2] its holds; ARGV holder field, id, ttl ms. Returns 1 confirmed, 0 not
   * reserved (or another id), 2 already confirmed, -1 a malformed holder value.
   */
  static final RedisScript CONFIRM = new RedisScript("stock-confirm", PRELUDE + """
      local outcome, q = unsettled(ARGV[1], ARGV[2])
      if outcome then
        return outcome
      end
      redis.call('HINCRBY', KEYS[1], 'r', '-' .. q)
      redis.call('HINCRBY', KEYS[1], 'c', q)
      redis.call('HSET', KEYS[1], ARGV[1], 'C' .. q .. ':' .. ARGV[2])
      redis.call('ZREM', KEYS[2], ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
      return 1
      """);

  /** KEYS[1] item, KEYS[2] its holds. Returns {} if the item is absent, else {a, r, c}. */
  static final RedisScript LEVELS = new RedisScript("stock-levels", PRELUDE + """
      local r = redis.call('HMGET', KEYS[1], 'a', 'r', 'c')
      if not r[1] then
        return {}
      end
      return r
      """);

  /** KEYS[1] item, KEYS[2] its holds; ARGV holder field. Returns the live holder value, or nil. */
  static final RedisScript RESERVATION = new RedisScript("stock-reservation", PRELUDE + """
      local h, k = live(ARGV[1])
      if h == false then
        return k
      end
      return h
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
        return string.format('%d', wait)
      end
      local args = {}
      for i = 1, n do
        args[2 * i - 1] = fields[i]
        args[2 * i] = string.format('%d', nexts[i])
      end
      redis.call('HSET', KEYS[1], unpack(args))
      redis.call('PEXPIRE', KEYS[1], string.format('%d', math.ceil((last - now) / 1000) + 1000))
      return 0
      """);
}
