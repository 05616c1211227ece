/** Producer ids for idempotent producers. Per-partition sequence state lives in storage. */
package io.logstore.broker.producer;
