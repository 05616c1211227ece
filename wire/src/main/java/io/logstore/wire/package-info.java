/** LogStore wire. */
package io.logstore.wire;
