// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DriverOption;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.retry.RetryDecision;
import com.datastax.oss.driver.api.core.retry.RetryPolicy;
import com.datastax.oss.driver.api.core.servererrors.CoordinatorException;
import com.datastax.oss.driver.api.core.servererrors.ReadFailureException;
import com.datastax.oss.driver.api.core.servererrors.WriteFailureException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import com.datastax.oss.driver.api.core.session.Request;

/**
 * {@code cassandra.max-retry-attempts}: a request is tried at most that many times in all. Timeouts, an unavailable
 * replica set, an overloaded or bootstrapping coordinator and a lost connection are retried (the driver only asks
 * about writes and aborted requests when the statement is idempotent, and every statement here is); other errors
 * are returned at once.
 */
public final class BoundedRetryPolicy implements RetryPolicy {
  /** The attempts, read from the session's configuration. */
  static final DriverOption MAX_ATTEMPTS = () -> "advanced.retry-policy.jaegerj-max-attempts";

  private final int retries;

  public BoundedRetryPolicy(DriverContext context, String profileName) {
    int attempts = context.getConfig().getProfile(profileName).getInt(MAX_ATTEMPTS, 3);
    this.retries = Math.max(0, attempts - 1);
  }

  private RetryDecision decide(int retryCount, RetryDecision retry) {
    return retryCount < retries ? retry : RetryDecision.RETHROW;
  }

  @Override
  @Deprecated
  public RetryDecision onReadTimeout(Request request, ConsistencyLevel cl, int blockFor, int received,
      boolean dataPresent, int retryCount) {
    return decide(retryCount, RetryDecision.RETRY_SAME);
  }

  @Override
  @Deprecated
  public RetryDecision onWriteTimeout(Request request, ConsistencyLevel cl, WriteType writeType, int blockFor,
      int received, int retryCount) {
    return decide(retryCount, RetryDecision.RETRY_SAME);
  }

  @Override
  @Deprecated
  public RetryDecision onUnavailable(Request request, ConsistencyLevel cl, int required, int alive,
      int retryCount) {
    return decide(retryCount, RetryDecision.RETRY_NEXT);
  }

  @Override
  @Deprecated
  public RetryDecision onRequestAborted(Request request, Throwable error, int retryCount) {
    return decide(retryCount, RetryDecision.RETRY_NEXT);
  }

  @Override
  @Deprecated
  public RetryDecision onErrorResponse(Request request, CoordinatorException error, int retryCount) {
    if (error instanceof ReadFailureException || error instanceof WriteFailureException) {
      return RetryDecision.RETHROW;
    }
    // overloaded, bootstrapping, truncate and server errors: another coordinator may take it
    return decide(retryCount, RetryDecision.RETRY_NEXT);
  }

  @Override
  public void close() {}
}
