/** LogStore bench. */
package io.logstore.bench;
