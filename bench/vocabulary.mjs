// The words the generator builds events from: services and their profiles, hosts, requests,
// message templates and the key=value context appended to messages. Only deadlockMessage says
// `deadlock detected`; `connection reset` (in mixed case) appears in about 1.3 % of events,
// through the warn and error templates below.

// Ranked by traffic: the generator samples them with Zipf weights 1/rank^1.1.
export const services = [
  'api-gateway', 'web-frontend', 'checkout', 'payments', 'auth', 'user-profile', 'search',
  'catalog', 'inventory', 'cart', 'orders', 'shipping', 'notifications', 'email-sender',
  'recommendations', 'ads', 'pricing', 'billing', 'invoicing', 'fraud-detection', 'reviews',
  'media-upload', 'thumbnailer', 'cdn-edge', 'session-store', 'feature-flags', 'config-server',
  'audit-log', 'metrics-ingest', 'log-shipper', 'kafka-connect', 'etl-batch', 'reporting',
  'analytics-api', 'geo-ip', 'currency', 'tax', 'loyalty', 'coupons', 'wishlist', 'chat',
  'support-desk', 'webhooks', 'partner-api', 'mobile-bff', 'graphql', 'scheduler', 'healthcheck',
  'dns-resolver', 'legacy-monolith',
] // prettier-ignore
export const paymentsIndex = services.indexOf('payments')
export const hostsPerService = 40
export const envs = ['prod', 'staging', 'dev']
export const methods = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH']

const teams = ['core', 'payments', 'growth', 'platform', 'search', 'fulfilment', 'identity', 'data']
const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1']

/** Per service: team, region, version, log of the median latency (5..125 ms), error factor. */
export const serviceProfiles = services.map((name, i) => ({
  name,
  team: teams[(i * 7) % teams.length],
  region: regions[i % regions.length],
  version: `v${1 + (i % 4)}.${(i * 3) % 17}.${(i * 11) % 9}`,
  logMedianMs: Math.log(5 + ((i * 37) % 120)),
  errorFactor: 0.3 + ((i * 13) % 10) / 4,
}))

/** hosts[service][k]: 40 hosts per service, named after the service and its region. */
export const hosts = serviceProfiles.map((profile, s) =>
  Array.from(
    { length: hostsPerService },
    (_, k) =>
      `${profile.name.split('-')[0]}-${String(s * hostsPerService + k).padStart(4, '0')}.${profile.region}.internal`,
  ),
)

export const httpStatusesByStatus = {
  info: [200, 200, 200, 200, 200, 200, 201, 204, 301, 304],
  warn: [400, 401, 403, 404, 404, 409, 422, 429],
  error: [500, 500, 502, 503, 503, 504],
}

const routes = [
  (r) => `/api/v1/users/${r.below(1e6)}`,
  (r) => `/api/v2/orders/${r.below(1e6)}/items`,
  () => '/api/v1/cart',
  () => '/api/v1/checkout/confirm',
  (r) => `/api/v3/search?q=${r.pick(searchWords)}&page=${1 + r.below(20)}`,
  (r) => `/api/v1/products/${r.below(1e6)}`,
  () => '/health',
  (r) => `/api/v1/payments/${r.below(1e6)}/capture`,
  () => '/api/v2/sessions',
  () => '/graphql',
  (r) => `/api/v1/inventory/${r.below(1e6)}/reserve`,
  (r) => `/static/js/app.${r.hex32()}.js`,
]
const searchWords = ['shoes', 'laptop', 'coffee', 'red%20dress', 'usb-c%20cable', 'headphones', 'lego', 'kettle', 'tent'] // prettier-ignore
const userAgents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'okhttp/4.12.0', 'python-requests/2.31.0', 'Go-http-client/1.1', 'curl/8.5.0', 'Datadog Agent/7.52.0',
] // prettier-ignore
const tables = ['orders', 'order_items', 'users', 'sessions', 'payments', 'inventory', 'events', 'audit'] // prettier-ignore
const upstreams = ['payments-svc:8443', 'inventory-svc:8080', 'auth-svc:9000', 'redis-primary:6379', 'postgres-main:5432', 'stripe-proxy:443'] // prettier-ignore
const retryReasons = ['connection reset by peer', 'upstream request timeout', '503 Service Unavailable', 'read ECONNRESET', 'TLS handshake timeout', 'Connection Reset by peer', 'socket hang up'] // prettier-ignore
const exceptions = [
  ['java.lang.NullPointerException', 'Cannot invoke "String.length()" because "name" is null'],
  ['java.util.concurrent.TimeoutException', 'Timed out waiting for response from upstream'],
  ['org.postgresql.util.PSQLException', 'ERROR: duplicate key value violates unique constraint "orders_pkey"'],
  ['java.lang.IllegalStateException', 'Order is already in state CAPTURED'],
  ['com.fasterxml.jackson.core.JsonParseException', "Unexpected character ('<' (code 60)): expected a valid value"],
  ['java.io.IOException', 'Connection reset by peer'],
] // prettier-ignore
const classes = ['Handler', 'OrderService', 'PaymentClient', 'Repository', 'Controller', 'EventConsumer'] // prettier-ignore
const jobs = ['nightly-reconcile', 'cache-warmup', 'sitemap-build', 'reindex-products', 'expire-sessions'] // prettier-ignore
const topics = ['orders.v1', 'payments.events', 'clickstream', 'inventory.changes', 'audit.log']
const locales = ['en-US', 'de-DE', 'fr-FR', 'ja-JP', 'pt-BR']

export const ip = (r) => `10.${r.below(256)}.${r.below(256)}.${1 + r.below(254)}`
export const requestPath = (r) => r.pick(routes)(r)

const contextPairs = [
  (r) => `request_id=${r.hex32()}-${r.hex32().slice(0, 4)}-${r.hex32()}${r.hex32()}`,
  (r) => `span_id=${r.hex32()}${r.hex32()}`,
  (r) => `thread=http-nio-8080-exec-${1 + r.below(200)}`,
  (r) => `pid=${1000 + r.below(60000)}`,
  (r) => `pod=${r.pick(services)}-${r.hex32().slice(0, 5)}`,
  (r) => `db.statement_ms=${(r.unit() * 50).toFixed(2)}`,
  (r) => `retries=${r.below(4)}`,
  (r) => `bytes_out=${r.below(2e6)}`,
  (r) => `cache=${r.unit() < 0.8 ? 'hit' : 'miss'}`,
  (r) => `tenant=acct_${r.below(5000)}`,
  (r) => `locale=${r.pick(locales)}`,
]

/** One key=value pair of request context, appended to messages up to their length. */
export const contextPair = (r) => r.pick(contextPairs)(r)

const accessLine = (f, r) =>
  `${f.request.method} ${f.request.path} ${f.httpStatus} ${r.below(50000)}B ${f.durationMs.toFixed(1)}ms client=${ip(r)} ua="${r.pick(userAgents)}"`

function infoMessage(f, r) {
  switch (r.below(7)) {
    case 0:
    case 1:
    case 2:
      return accessLine(f, r)
    case 3:
      return `Processed order ord_${r.hex32()} for customer ${f.userId ?? 'guest'}: ${1 + r.below(9)} items, total=${(r.unit() * 500).toFixed(2)} ${r.pick(['USD', 'EUR', 'GBP'])}`
    case 4:
      return `Cache ${r.unit() < 0.8 ? 'hit' : 'miss'} for key ${f.service.name}:${r.pick(tables)}:${r.below(1e6)} in ${(r.unit() * 3).toFixed(3)}ms`
    case 5:
      return r.unit() < 0.5
        ? `Kafka consumer group ${f.service.name}-cg committed offset ${r.below(1e9)} on partition ${r.below(32)} of topic ${r.pick(topics)}`
        : `Scheduled job ${r.pick(jobs)} finished in ${r.below(60000)}ms, processed ${r.below(100000)} records`
    default:
      return `User ${f.userId ?? 'anonymous'} authenticated via ${r.pick(['password', 'oauth2:google', 'saml', 'api-key'])} from ${ip(r)}, session ${r.hex32()}${r.hex32()}`
  }
}

function warnMessage(f, r) {
  switch (r.below(4)) {
    case 0:
      return `Slow query took ${f.durationMs.toFixed(0)}ms: SELECT * FROM ${r.pick(tables)} WHERE id = $1 AND tenant_id = $2 (rows=${r.below(5000)})`
    case 1:
      return `Retrying request to ${r.pick(upstreams)} (attempt ${1 + r.below(4)}/5) after ${r.below(2000)}ms: ${r.pick(retryReasons)}`
    case 2:
      return `Rate limit approaching for api key ak_${r.hex32()}: ${800 + r.below(200)}/1000 requests in 60s window`
    default:
      return accessLine(f, r)
  }
}

function errorMessage(f, r) {
  switch (r.below(3)) {
    case 0: {
      const [name, text] = r.pick(exceptions)
      let message = `Unhandled exception in ${f.request.method} ${f.request.path}: ${name}: ${text}`
      for (let frames = 2 + r.below(4); frames > 0; frames--) {
        const owner = r.pick(classes)
        message += `; at com.acme.${f.service.name.replaceAll('-', '')}.${owner}.handle(${owner}.java:${10 + r.below(500)})`
      }
      return message
    }
    case 1:
      return `Failed to connect to ${r.pick(['pg', 'redis', 'mq'])}-${r.below(8)}.${f.service.region}.internal: ${r.unit() < 0.5 ? 'Connection reset by peer' : 'connection timed out'} (errno=${r.pick([104, 110, 111])})`
    default:
      return `Upstream ${r.pick(upstreams)} returned ${f.httpStatus} after ${f.durationMs.toFixed(0)}ms for request ${r.hex32()}${r.hex32()}`
  }
}

/** The message template of an event of `status` (before context is appended). */
export function message(status, facts, r) {
  if (status === 'info') return infoMessage(facts, r)
  return status === 'warn' ? warnMessage(facts, r) : errorMessage(facts, r)
}

/** The one template with the rare phrase the search queries look for. */
export const deadlockMessage = (r) =>
  `ERROR: deadlock detected; Process ${1000 + r.below(60000)} waits for ShareLock on transaction ${r.below(1e8)}; blocked by process ${1000 + r.below(60000)}. relation "${r.pick(tables)}"`

/** 1..5 tags of the service, in a fixed order. */
export function tagsFor(profile, r) {
  const all = [
    `team:${profile.team}`,
    `region:${profile.region}`,
    `version:${profile.version}`,
    `az:${profile.region}${'abc'[r.below(3)]}`,
    `canary:${r.unit() < 0.1}`,
  ]
  return all.slice(0, 1 + r.below(5))
}
