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
 *   <li>{@code logstore-cleaner} compacts logs whose cleanup policy includes compact (only when the
 *       {@link io.logstore.storage.LogManager} was given a {@link
 *       io.logstore.storage.RecordBatchCodec}), one log at a time, every {@code cleanerBackoffMs}.
 *       It owns the offset map; it reads non-active segments without locks (their files stay
 *       readable for {@code fileDeleteDelayMs} after removal) and takes the append lock, then the
 *       flush lock, only to swap cleaned segments in, after checking that the segments it read are
 *       unchanged. Closing the manager stops it between two reads, without interrupting it (an
 *       interrupt would close shared file channels).
 * </ul>
 */
package io.logstore.storage;
