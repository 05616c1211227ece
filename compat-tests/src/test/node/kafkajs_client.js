// KafkaJS 2.2.4 (compat-tests/node_modules, installed by .ci/run): one compat scenario run.
//
// Usage: node kafkajs_client.js BOOTSTRAP [--admin] [--groups]
//
// Prints one line per checked cell, "RESULT <feature>\tOK|FAIL\t<detail>", and exits 0 when every
// cell passed. KafkaJS ships the none and gzip codecs (snappy, lz4 and zstd need third-party
// plugins) and has no assign(): it consumes only through a consumer group, so its consume cells
// need --groups.
'use strict'

const crypto = require('crypto')
const { Kafka, CompressionTypes, ConfigResourceTypes, logLevel } = require('kafkajs')

const RECORDS = 2000
const PARTITIONS = 4
const SEND_CHUNK = 250
const DEADLINE_MS = 60000
const CODECS = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP }

const results = []
const id = () => crypto.randomBytes(4).toString('hex')
const check = (condition, message) => {
  if (!condition) throw new Error(message)
}

async function cell (feature, body) {
  try {
    results.push([feature, true, (await body()) || ''])
  } catch (e) {
    results.push([feature, false, String(e && e.stack ? e.stack.split('\n')[0] : e)])
  }
}

async function produce (kafka, topic, codec) {
  const producer = kafka.producer({ allowAutoTopicCreation: true })
  await producer.connect()
  const acked = new Map() // "partition:offset" -> value
  try {
    for (let start = 0; start < RECORDS; start += SEND_CHUNK) {
      const messages = []
      for (let i = start; i < Math.min(RECORDS, start + SEND_CHUNK); i++) {
        messages.push({ key: `key-${i}`, value: `${codec}-value-${i}-` + 'x'.repeat(i % 50), partition: i % PARTITIONS })
      }
      const metadata = await producer.send({ topic, compression: CODECS[codec], acks: -1, messages })
      for (const partitionResult of metadata) {
        const p = partitionResult.partition
        let offset = Number(partitionResult.baseOffset)
        for (const m of messages.filter(m => m.partition === p)) acked.set(`${p}:${offset++}`, m.value)
      }
    }
  } finally {
    await producer.disconnect()
  }
  check(acked.size === RECORDS, `${acked.size} distinct acks for ${RECORDS} records`)
  return acked
}

async function consumeGroup (kafka, topic, expected, { fromBeginning, seek }) {
  const groupId = `group-${id()}`
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 })
  const got = new Map()
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning })
    let resolve
    const done = new Promise(r => { resolve = r })
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const key = `${partition}:${message.offset}`
        if (got.has(key)) throw new Error(`offset ${key} delivered twice`)
        got.set(key, message.value.toString())
        if (got.size >= expected) resolve()
      }
    })
    if (seek) consumer.seek(seek)
    const timer = setTimeout(resolve, DEADLINE_MS)
    await done
    clearTimeout(timer)
    const offsets = []
    for (let p = 0; p < PARTITIONS; p++) {
      const last = Math.max(-1, ...[...got.keys()].filter(k => k.startsWith(`${p}:`)).map(k => Number(k.split(':')[1])))
      if (last >= 0) offsets.push({ topic, partition: p, offset: String(last + 1) })
    }
    await consumer.commitOffsets(offsets)
  } finally {
    await consumer.disconnect()
  }
  return { got, groupId }
}

async function main () {
  const bootstrap = process.argv[2]
  const flags = new Set(process.argv.slice(3))
  const kafka = new Kafka({ clientId: 'compat-kafkajs', brokers: [bootstrap], logLevel: logLevel.ERROR })
  const topics = {}
  console.log(`VERSION KafkaJS ${require('kafkajs/package.json').version}`)

  for (const codec of Object.keys(CODECS)) {
    await cell(`produce, ${codec}`, async () => {
      const topic = `kafkajs-${codec}-${id()}`
      topics[codec] = { topic, acked: await produce(kafka, topic, codec) }
      return `${RECORDS} records`
    })
  }

  if (flags.has('--groups')) {
    for (const codec of Object.keys(CODECS)) {
      await cell(`consumer group subscribe + commit (from beginning), ${codec}`, async () => {
        check(topics[codec], 'needs the produced topic')
        const { topic, acked } = topics[codec]
        const { got, groupId } = await consumeGroup(kafka, topic, RECORDS, { fromBeginning: true })
        check(got.size === acked.size && [...acked].every(([k, v]) => got.get(k) === v),
          `read ${got.size} records, not the ${acked.size} acknowledged`)
        const admin = kafka.admin()
        await admin.connect()
        try {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
          const byPartition = Object.fromEntries(committed.partitions.map(p => [p.partition, Number(p.offset)]))
          for (let p = 0; p < PARTITIONS; p++) {
            check(byPartition[p] === RECORDS / PARTITIONS, `committed ${JSON.stringify(byPartition)}`)
          }
        } finally {
          await admin.disconnect()
        }
      })
    }
    await cell('consume from an offset (group + seek)', async () => {
      check(topics.none, 'needs the uncompressed topic')
      const { topic, acked } = topics.none
      const start = RECORDS / PARTITIONS / 2
      const { got } = await consumeGroup(kafka, topic, RECORDS / PARTITIONS - start,
        { fromBeginning: false, seek: { topic, partition: 1, offset: String(start) } })
      const offsets = [...got.keys()].map(k => k.split(':').map(Number))
      check(offsets.every(([p]) => p === 1), 'records from partitions not seeked')
      check(Math.min(...offsets.map(([, o]) => o)) === start, `first offsets ${offsets.slice(0, 3)}`)
      check([...got].every(([k, v]) => acked.get(k) === v), 'values differ from the acknowledged')
    })
  }

  if (flags.has('--admin')) {
    const admin = kafka.admin()
    await admin.connect()
    const topic = `kafkajs-admin-${id()}`
    try {
      await cell('admin: create topic', async () => {
        const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })
        check(created, 'createTopics returned false')
      })
      await cell('admin: describe topic configs', async () => {
        const described = await admin.describeConfigs({
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false
        })
        const names = described.resources[0].configEntries.map(e => e.configName)
        check(names.includes('retention.ms'), `no retention.ms in ${names.slice(0, 5)}`)
      })
      await cell('admin: delete topic', async () => {
        await admin.deleteTopics({ topics: [topic], timeout: 30000 })
      })
    } finally {
      await admin.disconnect()
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
