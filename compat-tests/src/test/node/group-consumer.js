// A KafkaJS 2.2.4 consumer group member: reads `count` records of `topic` in group `group` from
// the beginning, prints each value on its own line, commits, leaves the group and exits 0.
// Usage: node group-consumer.js <bootstrap> <group> <topic> <count>
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, group, topic, countArg] = process.argv.slice(2);
const count = Number(countArg);
const kafka = new Kafka({ clientId: 'kafkajs-group-test', brokers: [bootstrap], logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000 });
const values = [];

const timer = setTimeout(() => {
  console.error(`timed out after ${values.length} of ${count} records`);
  process.exit(1);
}, 60000);

async function main() {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    autoCommit: true,
    eachMessage: async ({ message }) => {
      values.push(message.value.toString());
      if (values.length >= count) {
        done();
      }
    },
  });
  await finished;
  await consumer.commitOffsets([]).catch(() => {});
  await consumer.disconnect();
  clearTimeout(timer);
  for (const v of values) {
    console.log(v);
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
