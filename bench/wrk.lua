-- wrk script for the storefront benchmark (bench/run.py runs it with as many threads as connections,
-- so each connection is one thread here and has its own browser identity).
--
-- Environment:
--   BENCH_PATH        the page to GET
--   BENCH_MODE        "get" (default) or "cart": alternately POST /en/cart/items (a new visitor's cart,
--                     as a first add does) and GET the cart page of the connection's own cart
--   BENCH_IDENTITIES  a file, one line per connection: "<Cookie for GETs>\t<Cookie for POSTs>\t<csrf token>";
--                     empty or missing: no cookies
--   BENCH_PRODUCTS    comma-separated product ids the cart mode adds, in turn
--   BENCH_USER_AGENT  the browser User-Agent every request sends (the shop does not count bots' views)

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("number", counter)
   table.insert(threads, thread)
end

local function identity(n)
   local name = os.getenv("BENCH_IDENTITIES") or ""
   if name == "" then
      return "", "", ""
   end
   local lines = {}
   for line in io.lines(name) do
      if line ~= "" then table.insert(lines, line) end
   end
   local line = lines[((n - 1) % #lines) + 1]
   local get_cookie, post_cookie, token = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
   return get_cookie or line, post_cookie or "", token or ""
end

function init(args)
   path = os.getenv("BENCH_PATH") or "/"
   mode = os.getenv("BENCH_MODE") or "get"
   agent = os.getenv("BENCH_USER_AGENT") or "Mozilla/5.0"
   get_cookie, post_cookie, token = identity(number)
   products = {}
   for id in string.gmatch(os.getenv("BENCH_PRODUCTS") or "1", "%d+") do
      table.insert(products, id)
   end
   step = 0
   get_headers = {["User-Agent"] = agent, ["Accept"] = "text/html", ["Accept-Language"] = "en-GB,en;q=0.9,zh-CN;q=0.8"}
   if get_cookie ~= "" then get_headers["Cookie"] = get_cookie end
   post_headers = {["User-Agent"] = agent, ["Accept"] = "text/html", ["Accept-Language"] = "en-GB,en;q=0.9",
                   ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = post_cookie}
   get_request = wrk.format("GET", path, get_headers)
end

function request()
   if mode ~= "cart" then
      return get_request
   end
   step = step + 1
   if step % 2 == 1 then
      local product = products[((step - 1) / 2) % #products + 1]
      local body = "csrf_token=" .. token .. "&product_id=" .. product .. "&quantity=1"
      return wrk.format("POST", "/en/cart/items", post_headers, body)
   end
   return wrk.format("GET", "/en/cart", get_headers)
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
      '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
      summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
      errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
