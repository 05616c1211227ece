/** Partition logs on disk. */
package io.logstore.storage;
