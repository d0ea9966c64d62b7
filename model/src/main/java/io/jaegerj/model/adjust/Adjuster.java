// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.Trace;

/**
 * One step of the read-path normalisation applied to a trace after it is loaded from storage and before it is
 * rendered. Implementations are stateless and thread-safe; they never modify their input (the model is immutable)
 * and return the input itself when nothing changed.
 */
@FunctionalInterface
public interface Adjuster {
  Trace adjust(Trace trace);
}
