/**
 * Partition logs on disk, in Apache Kafka's segment format. File layouts: {@code
 * docs/storage-format.md} and the Javadoc of each file's class.
 *
 * <p>Threading model:
 *
 * <ul>
 *   <li>Appends, rolls, truncation, DeleteRecords and retention of one partition hold its append
 *       lock; they may run on any thread (network threads, the scheduler).
 *   <li>Reads take no lock: they read the volatile log start/end offsets and the concurrent segment
 *       map; a segment publishes its size (volatile) after its bytes are written, and index entries
 *       are published the same way.
 *   <li>{@code logstore-flusher-N} threads run group commits: a partition with waiters is queued
 *       once, one round fsyncs everything up to the log end offset read at its start, then
 *       completes the waiters it covers. The flush lock is taken after the append lock, never
 *       before it.
 *   <li>{@code logstore-scheduler} runs retention, checkpoints, INTERVAL flush checks and delayed
 *       file deletions.
 * </ul>
 */
package io.logstore.storage;
