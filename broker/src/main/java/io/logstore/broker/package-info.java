/** LogStore broker. */
package io.logstore.broker;
