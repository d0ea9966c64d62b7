// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.sampling;

import io.grpc.stub.StreamObserver;
import io.jaegerj.proto.api_v2.SamplingManagerGrpc;
import io.jaegerj.proto.api_v2.SamplingStrategyParameters;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;

/** {@code jaeger.api_v2.SamplingManager/GetSamplingStrategy} on port 14250 (no tenancy check, as in Jaeger). */
public final class SamplingGrpcService extends SamplingManagerGrpc.SamplingManagerImplBase {
  private final StrategyProvider provider;

  public SamplingGrpcService(StrategyProvider provider) {
    this.provider = provider;
  }

  @Override
  public void getSamplingStrategy(SamplingStrategyParameters request,
      StreamObserver<SamplingStrategyResponse> response) {
    response.onNext(provider.strategy(request.getServiceName()));
    response.onCompleted();
  }
}
