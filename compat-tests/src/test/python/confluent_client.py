"""librdkafka through Debian's python3-confluent-kafka: one compat scenario run.

Usage: /usr/bin/python3 confluent_client.py BOOTSTRAP [--admin] [--groups]

Prints one line per checked cell, ``RESULT <feature> OK|FAIL <detail>``, and exits 0 when every
cell passed. Produces with every codec librdkafka has, consumes with assign() from the beginning
and from an offset; ``--groups`` adds subscribe + commit, ``--admin`` create/describe/delete topic.
"""

import sys
import time
import uuid

import confluent_kafka
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

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
    """Sends RECORDS records, i to partition i % 4; returns {(partition, offset): value}."""
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": codec})
    acked = {}
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err)
        else:
            acked[(msg.partition(), msg.offset())] = msg.value().decode()

    for i in range(RECORDS):
        value = f"{codec}-value-{i}-" + "x" * (i % 50)
        producer.produce(topic, value=value, key=f"key-{i}", partition=i % PARTITIONS,
                         on_delivery=on_delivery)
        producer.poll(0)
    remaining = producer.flush(DEADLINE_S)
    check(remaining == 0 and not errors, f"unacknowledged={remaining} errors={errors[:3]}")
    check(len(acked) == RECORDS, f"{len(acked)} distinct acks for {RECORDS} records")
    return acked


def consume(bootstrap, assignment, expected, group=None):
    config = {"bootstrap.servers": bootstrap, "enable.auto.commit": False,
              "auto.offset.reset": "earliest"}
    config["group.id"] = group or f"unused-{uuid.uuid4()}"
    consumer = Consumer(config)
    got = {}
    try:
        if group:
            consumer.subscribe([assignment[0].topic])
        else:
            consumer.assign(assignment)
        deadline = time.time() + DEADLINE_S
        while len(got) < expected and time.time() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                raise KafkaException(msg.error())
            key = (msg.partition(), msg.offset())
            check(key not in got, f"offset {key} delivered twice")
            got[key] = msg.value().decode()
        if group:
            consumer.commit(asynchronous=False)
            committed = consumer.committed([TopicPartition(assignment[0].topic, p)
                                            for p in range(PARTITIONS)], timeout=10)
            return got, {tp.partition: tp.offset for tp in committed}
        return got, None
    finally:
        consumer.close()


def round_trip(bootstrap, codec):
    topic = f"confluent-{codec}-{uuid.uuid4().hex[:8]}"
    acked = produce(bootstrap, topic, codec)
    got, _ = consume(bootstrap, [TopicPartition(topic, p, OFFSET_BEGINNING)
                                 for p in range(PARTITIONS)], RECORDS)
    check(got == acked, f"read {len(got)} records, differing from the {len(acked)} acknowledged")
    return topic, acked


def main():
    bootstrap = sys.argv[1]
    flags = set(sys.argv[2:])
    topics = {}
    print(f"VERSION librdkafka {confluent_kafka.libversion()[0]}"
          f" (python3-confluent-kafka {confluent_kafka.version()[0]})", flush=True)

    for codec in CODECS:
        def body(codec=codec):
            topics[codec] = round_trip(bootstrap, codec)
            return f"{RECORDS} records"
        cell(f"produce + consume (assign, from beginning), {codec}", body)

    def from_offset():
        check("none" in topics, "needs the uncompressed topic")
        topic, acked = topics["none"]
        start = RECORDS // PARTITIONS // 2
        got, _ = consume(bootstrap, [TopicPartition(topic, 1, start)], RECORDS // PARTITIONS - start)
        check(min(o for (_, o) in got) == start, f"first offset {min(o for (_, o) in got)}")
        check(all(acked[k] == v for k, v in got.items()), "values differ from the acknowledged")
    cell("consume from an offset (assign)", from_offset)

    if "--groups" in flags:
        def group():
            topic, acked = topics["none"]
            got, committed = consume(bootstrap, [TopicPartition(topic, 0)], RECORDS,
                                     group=f"group-{uuid.uuid4().hex[:8]}")
            check(got == acked, f"group read {len(got)} records of {len(acked)}")
            check(committed == {p: RECORDS // PARTITIONS for p in range(PARTITIONS)},
                  f"committed {committed}")
        cell("consumer group subscribe + commit", group)

    if "--admin" in flags:
        admin = AdminClient({"bootstrap.servers": bootstrap})
        topic = f"confluent-admin-{uuid.uuid4().hex[:8]}"

        def create():
            admin.create_topics([NewTopic(topic, 3, 1)])[topic].result(30)
            meta = admin.list_topics(topic, timeout=30).topics[topic]
            check(len(meta.partitions) == 3, f"{len(meta.partitions)} partitions")
        cell("admin: create topic", create)

        def describe():
            resource = ConfigResource("topic", topic)
            configs = admin.describe_configs([resource])[resource].result(30)
            check("retention.ms" in configs, f"no retention.ms in {sorted(configs)[:5]}")
        cell("admin: describe topic configs", describe)

        def delete():
            admin.delete_topics([topic])[topic].result(30)
        cell("admin: delete topic", delete)

    for feature, passed, detail in results:
        print(f"RESULT {feature}\t{'OK' if passed else 'FAIL'}\t{detail}", flush=True)
    sys.exit(0 if all(p for _, p, _ in results) else 1)


if __name__ == "__main__":
    main()
