"""kafka-python (Debian's python3-kafka): one compat scenario run.

Usage: /usr/bin/python3 kafka_python_client.py BOOTSTRAP [--admin] [--groups]

Prints one line per checked cell, ``RESULT <feature>\\tOK|FAIL\\t<detail>``, and exits 0 when every
cell passed. Codecs: none, gzip, and snappy, lz4, zstd through Debian's python3-snappy,
python3-lz4 and python3-zstandard (installed by .ci/run).
"""

import sys
import time
import uuid

import kafka
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic

RECORDS = 2000
PARTITIONS = 4
DEADLINE_S = 60
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]

results = []


def cell(feature, body):
    try:
        detail = body() or ""
        results.append((feature, True, detail))
    except Exception as e:  # noqa: BLE001 - every failure becomes a FAIL cell
        results.append((feature, False, repr(e)))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def produce(bootstrap, topic, codec):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all",
                             compression_type=None if codec == "none" else codec)
    try:
        check(len(wait_partitions(producer, topic)) == PARTITIONS, "partitions")
        futures = []
        for i in range(RECORDS):
            value = f"{codec}-value-{i}-" + "x" * (i % 50)
            futures.append((value, producer.send(topic, value=value.encode(),
                                                 key=f"key-{i}".encode(),
                                                 partition=i % PARTITIONS)))
        producer.flush(DEADLINE_S)
        acked = {}
        for value, future in futures:
            metadata = future.get(DEADLINE_S)
            acked[(metadata.partition, metadata.offset)] = value
        check(len(acked) == RECORDS, f"{len(acked)} distinct acks for {RECORDS} records")
        return acked
    finally:
        producer.close(10)


def wait_partitions(producer, topic):
    deadline = time.time() + DEADLINE_S
    while time.time() < deadline:
        partitions = producer.partitions_for(topic)  # a Metadata request: auto-creates
        if partitions:
            return partitions
        time.sleep(0.2)
    raise AssertionError(f"no partitions for {topic}")


def consume(bootstrap, topic, partitions, start, expected, group=None):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                             enable_auto_commit=False, auto_offset_reset="earliest")
    got = {}
    try:
        if group:
            consumer.subscribe([topic])
        else:
            tps = [TopicPartition(topic, p) for p in partitions]
            consumer.assign(tps)
            for tp in tps:
                consumer.seek(tp, start)
        deadline = time.time() + DEADLINE_S
        while len(got) < expected and time.time() < deadline:
            for tp, messages in consumer.poll(500).items():
                for msg in messages:
                    key = (msg.partition, msg.offset)
                    check(key not in got, f"offset {key} delivered twice")
                    got[key] = msg.value.decode()
        committed = None
        if group:
            consumer.commit()
            committed = {p: consumer.committed(TopicPartition(topic, p))
                         for p in range(PARTITIONS)}
        return got, committed
    finally:
        consumer.close()


def main():
    bootstrap = sys.argv[1]
    flags = set(sys.argv[2:])
    topics = {}
    print(f"VERSION kafka-python {kafka.__version__} (python3-kafka)", flush=True)

    for codec in CODECS:
        def body(codec=codec):
            topic = f"kafkapy-{codec}-{uuid.uuid4().hex[:8]}"
            acked = produce(bootstrap, topic, codec)
            got, _ = consume(bootstrap, topic, range(PARTITIONS), 0, RECORDS)
            check(got == acked, f"read {len(got)} records, not the {len(acked)} acknowledged")
            topics[codec] = (topic, acked)
            return f"{RECORDS} records"
        cell(f"produce + consume (assign, from beginning), {codec}", body)

    def from_offset():
        check("none" in topics, "needs the uncompressed topic")
        topic, acked = topics["none"]
        start = RECORDS // PARTITIONS // 2
        got, _ = consume(bootstrap, topic, [1], start, RECORDS // PARTITIONS - start)
        check(got and min(o for (_, o) in got) == start, f"first offsets {sorted(got)[:3]}")
        check(all(acked[k] == v for k, v in got.items()), "values differ from the acknowledged")
    cell("consume from an offset (assign)", from_offset)

    if "--groups" in flags:
        def group():
            topic, acked = topics["none"]
            got, committed = consume(bootstrap, topic, None, 0, RECORDS,
                                     group=f"group-{uuid.uuid4().hex[:8]}")
            check(got == acked, f"group read {len(got)} records of {len(acked)}")
            check(committed == {p: RECORDS // PARTITIONS for p in range(PARTITIONS)},
                  f"committed {committed}")
        cell("consumer group subscribe + commit", group)

    if "--admin" in flags:
        topic = f"kafkapy-admin-{uuid.uuid4().hex[:8]}"

        def admin_call(call):
            admin = KafkaAdminClient(bootstrap_servers=bootstrap)
            try:
                return call(admin)
            finally:
                admin.close()

        def create():
            admin_call(lambda a: a.create_topics([NewTopic(topic, 3, 1)], timeout_ms=30000))
        cell("admin: create topic", create)

        def describe():
            responses = admin_call(lambda a: a.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, topic)]))
            names = [entry[0] for r in responses for res in r.resources for entry in res[4]]
            check("retention.ms" in names, f"no retention.ms in {names[:5]}")
        cell("admin: describe topic configs", describe)

        def delete():
            admin_call(lambda a: a.delete_topics([topic], timeout_ms=30000))
        cell("admin: delete topic", delete)

    for feature, passed, detail in results:
        print(f"RESULT {feature}\t{'OK' if passed else 'FAIL'}\t{detail}", flush=True)
    sys.exit(0 if all(p for _, p, _ in results) else 1)


if __name__ == "__main__":
    main()
