/** Compatibility tests. */
package io.logstore.compattests;
