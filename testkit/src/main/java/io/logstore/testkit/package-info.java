/** Shared test fixtures. */
package io.logstore.testkit;
