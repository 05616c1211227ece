/**
 * JMH microbenchmarks of the hot paths of issue 6: frame decode and response encode ({@code wire}),
 * batch validation with segment append and offset-index lookup ({@code storage}). Run with {@code
 * bench/run --jmh [JMH options]}; every benchmark is single-threaded.
 */
package io.logstore.bench.jmh;
