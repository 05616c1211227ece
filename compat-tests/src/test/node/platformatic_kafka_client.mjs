// @platformatic/kafka (compat-tests/node_modules, pinned in compat-tests/package.json, installed by
// .ci/run): one compat scenario run. The package is ESM only, hence .mjs.
//
// Usage: node platformatic_kafka_client.mjs BOOTSTRAP [--admin] [--groups]
//
// Prints one line per checked cell, "RESULT <feature>\tOK|FAIL\t<detail>", and exits 0 when every
// cell passed. The client compresses with none, gzip, snappy and lz4 (WebAssembly) and with zstd
// only where Node.js has zlib.zstdCompressSync (22.15+, 23.8+); a codec the running Node.js lacks
// is not a cell. Its Consumer always joins a group (no assign()), so the consume cells need
// --groups: "from the beginning" is stream mode EARLIEST, "from an offset" is mode MANUAL with one
// offset per partition.
import crypto from 'node:crypto'
import {
  Admin,
  compressionsAlgorithms,
  ConfigResourceTypes,
  ConfigSources,
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
  clientSoftwareVersion,
  stringDeserializers,
  stringSerializers
} from '@platformatic/kafka'

const RECORDS = 2000
const PARTITIONS = 4
const PER_PARTITION = RECORDS / PARTITIONS
const SEND_CHUNK = 250
const DEADLINE_MS = 60000
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'].filter(c => compressionsAlgorithms[c].available)

const results = []
const id = () => crypto.randomBytes(4).toString('hex')
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const check = (condition, message) => {
  if (!condition) throw new Error(message)
}

async function cell (feature, body) {
  try {
    results.push([feature, true, (await body()) || ''])
  } catch (e) {
    const causes = e && Array.isArray(e.errors) ? ' ' + e.errors.map(c => c && c.message).join('; ') : ''
    results.push([feature, false, String(e && e.stack ? e.stack.split('\n')[0] : e) + causes])
  }
}

/** Retries body until it stops throwing (Kafka applies topic creation and deletion a moment later). */
async function eventually (body, ms = 30000) {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      return await body()
    } catch (e) {
      if (Date.now() > deadline) throw e
      await sleep(200)
    }
  }
}

function options (bootstrap, extra) {
  return { clientId: `compat-platformatic-${id()}`, bootstrapBrokers: [bootstrap], ...extra }
}

/** Sends count records per partition (from first), returns "partition:offset" -> value. */
async function produce (bootstrap, topic, codec, first, count) {
  const producer = new Producer(options(bootstrap, { serializers: stringSerializers, autocreateTopics: true }))
  const acked = new Map()
  try {
    const all = []
    for (let i = first; i < first + count * PARTITIONS; i++) {
      all.push({ topic, key: `key-${i}`, value: `${codec}-value-${i}-` + 'x'.repeat(i % 50), partition: i % PARTITIONS })
    }
    for (let start = 0; start < all.length; start += SEND_CHUNK) {
      const messages = all.slice(start, start + SEND_CHUNK)
      const result = await producer.send({ messages, compression: codec, acks: ProduceAcks.ALL })
      check(result.offsets && result.offsets.length > 0, `no offsets in ${JSON.stringify(result, (k, v) => typeof v === 'bigint' ? String(v) : v)}`)
      for (const { partition, offset } of result.offsets) {
        let next = offset
        for (const m of messages.filter(m => m.partition === partition)) acked.set(`${partition}:${next++}`, m.value)
      }
    }
  } finally {
    await producer.close()
  }
  check(acked.size === count * PARTITIONS, `${acked.size} distinct acks for ${count * PARTITIONS} records`)
  return acked
}

/**
 * Joins groupId, streams topic in the given mode until expected records arrived (or the deadline),
 * returns "partition:offset" -> message. onDone(consumer, messages) runs before the consumer leaves.
 */
async function consume (bootstrap, groupId, topic, expected, streamOptions, onDone) {
  const consumer = new Consumer(options(bootstrap, {
    groupId,
    deserializers: stringDeserializers,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    maxWaitTime: 500
  }))
  const got = new Map()
  try {
    const stream = await consumer.consume({ topics: [topic], autocommit: false, ...streamOptions })
    try {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, DEADLINE_MS)
        stream.on('error', e => { clearTimeout(timer); reject(e) })
        stream.on('data', message => {
          const key = `${message.partition}:${message.offset}`
          if (got.has(key)) {
            clearTimeout(timer)
            reject(new Error(`offset ${key} delivered twice`))
            return
          }
          got.set(key, message)
          if (got.size >= expected) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      // A moment more: records past the expected ones would show up here.
      await sleep(1000)
      if (onDone) await onDone(consumer, got)
    } finally {
      await stream.close()
    }
  } finally {
    await consumer.close()
  }
  return got
}

function sameRecords (got, acked) {
  const values = new Map([...got].map(([k, m]) => [k, m.value]))
  check(values.size === acked.size && [...acked].every(([k, v]) => values.get(k) === v),
    `read ${values.size} records, not the ${acked.size} acknowledged (e.g. ${[...values.keys()].slice(0, 3)})`)
}

/** The group's committed offsets as partition -> offset (Admin OffsetFetch). */
async function committed (admin, groupId, topic) {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] })
  const byPartition = {}
  for (const t of group.topics.filter(t => t.name === topic)) {
    for (const p of t.partitions) byPartition[p.partitionIndex] = Number(p.committedOffset)
  }
  return byPartition
}

async function main () {
  const bootstrap = process.argv[2]
  const flags = new Set(process.argv.slice(3))
  const topics = {}
  console.log(`VERSION @platformatic/kafka ${clientSoftwareVersion}`)

  for (const codec of CODECS) {
    await cell(`produce, ${codec}`, async () => {
      const topic = `platformatic-${codec}-${id()}`
      topics[codec] = { topic, acked: await produce(bootstrap, topic, codec, 0, PER_PARTITION) }
      return `${RECORDS} records`
    })
  }

  if (flags.has('--groups')) {
    for (const codec of CODECS) {
      await cell(`consume from the beginning (group, mode earliest), ${codec}`, async () => {
        check(topics[codec], 'needs the produced topic')
        const { topic, acked } = topics[codec]
        const got = await consume(bootstrap, `group-${id()}`, topic, RECORDS, { mode: MessagesStreamModes.EARLIEST })
        sameRecords(got, acked)
        for (const [, m] of got) check(m.key === `key-${m.value.split('-')[2]}`, `key ${m.key} for value ${m.value}`)
      })
    }

    await cell('consume from an offset (group, mode manual)', async () => {
      check(topics.none, 'needs the uncompressed topic')
      const { topic, acked } = topics.none
      const start = PER_PARTITION / 2
      const offsets = [...Array(PARTITIONS).keys()].map(partition => ({ topic, partition, offset: BigInt(start) }))
      const got = await consume(bootstrap, `group-${id()}`, topic, RECORDS - start * PARTITIONS,
        { mode: MessagesStreamModes.MANUAL, offsets })
      const expected = new Map([...acked].filter(([k]) => Number(k.split(':')[1]) >= start))
      sameRecords(got, expected)
    })

    await cell('consumer group subscribe + commit', async () => {
      check(topics.none, 'needs the uncompressed topic')
      const { topic, acked } = topics.none
      const groupId = `group-${id()}`
      const admin = new Admin(options(bootstrap))
      try {
        // A first member reads everything (no commit yet: mode committed falls back to earliest)
        // and commits each partition's last record.
        const first = await consume(bootstrap, groupId, topic, RECORDS,
          { mode: MessagesStreamModes.COMMITTED, fallbackMode: MessagesStreamFallbackModes.EARLIEST },
          async (consumer, got) => {
            const last = new Map()
            for (const m of got.values()) {
              if (!last.has(m.partition) || last.get(m.partition).offset < m.offset) last.set(m.partition, m)
            }
            for (const m of last.values()) await m.commit()
            const own = await consumer.listCommittedOffsets({ topics: [{ topic, partitions: [...Array(PARTITIONS).keys()] }] })
            check(own.get(topic).every(o => o === BigInt(PER_PARTITION)), `listCommittedOffsets ${own.get(topic)}`)
          })
        sameRecords(first, acked)
        const offsets = await committed(admin, groupId, topic)
        for (let p = 0; p < PARTITIONS; p++) {
          check(offsets[p] === PER_PARTITION, `committed ${JSON.stringify(offsets)}`)
        }

        // A second member of the same group, after 10 more records per partition, reads only those.
        const more = await produce(bootstrap, topic, 'none', RECORDS, 10)
        const second = await consume(bootstrap, groupId, topic, more.size,
          { mode: MessagesStreamModes.COMMITTED, fallbackMode: MessagesStreamFallbackModes.FAIL })
        sameRecords(second, more)
      } finally {
        await admin.close()
      }
    })
  }

  if (flags.has('--admin')) {
    const admin = new Admin(options(bootstrap))
    const topic = `platformatic-admin-${id()}`
    try {
      await cell('admin: create topic', async () => {
        const [created] = await admin.createTopics({
          topics: [topic], partitions: 3, replicas: 1, configs: [{ name: 'retention.ms', value: '3600000' }]
        })
        check(created && created.name === topic && created.partitions === 3 && created.replicas === 1,
          `created ${JSON.stringify(created)}`)
        await eventually(async () => {
          const metadata = await admin.metadata({ topics: [topic], forceUpdate: true })
          const described = metadata.topics.get(topic)
          check(described && described.partitionsCount === 3, `metadata ${described && described.partitionsCount}`)
        })
      })
      await cell('admin: list topics', async () => {
        const names = await eventually(async () => {
          const listed = await admin.listTopics()
          check(listed.includes(topic), `${topic} not in ${listed.length} topics`)
          return listed
        })
        check(!names.includes('__consumer_offsets'), 'internal topics listed without includeInternals')
      })
      await cell('admin: describe topic configs', async () => {
        const [described] = await eventually(() => admin.describeConfigs({
          resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }]
        }))
        check(described.resourceName === topic, `resource ${described.resourceName}`)
        const byName = new Map(described.configs.map(c => [c.name, c]))
        const retention = byName.get('retention.ms')
        check(retention && retention.value === '3600000' && retention.configSource === ConfigSources.TOPIC_CONFIG,
          `retention.ms ${JSON.stringify(retention)}`)
        const cleanup = byName.get('cleanup.policy')
        check(cleanup && cleanup.value === 'delete' && cleanup.configSource === ConfigSources.DEFAULT_CONFIG,
          `cleanup.policy ${JSON.stringify(cleanup)}`)
      })
      await cell('admin: delete topic', async () => {
        await admin.deleteTopics({ topics: [topic] })
        await eventually(async () => {
          const listed = await admin.listTopics()
          check(!listed.includes(topic), `${topic} still listed`)
        })
      })
    } finally {
      await admin.close()
    }
  }

  for (const [feature, passed, detail] of results) {
    console.log(`RESULT ${feature}\t${passed ? 'OK' : 'FAIL'}\t${detail}`)
  }
  process.exit(results.every(([, passed]) => passed) ? 0 : 1)
}

main().catch(e => {
  console.error(e)
  process.exit(2)
})
