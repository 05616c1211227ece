/** Small shared utilities of the broker. */
package io.logstore.broker.util;
