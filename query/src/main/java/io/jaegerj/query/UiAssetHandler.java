// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UI's files (spec query.md §5): {@code /static/*} with long caching for content-hashed names, and index.html
 * (never cached) for every path no API route takes, so the single-page app can route it.
 */
final class UiAssetHandler {
  private static final Logger LOG = LoggerFactory.getLogger(UiAssetHandler.class);
  static final String STATIC = "/static/";

  private final UiAssets assets;
  private final boolean logAccess;

  UiAssetHandler(UiAssets assets, boolean logAccess) {
    this.assets = assets;
    this.logAccess = logAccess;
  }

  void index(HttpReply r) {
    r.bytes("text/html; charset=utf-8", assets.index());
    r.cacheControl = "no-cache";
  }

  /** @param encodedRest the path after {@code /static/}, still percent-encoded */
  void staticFile(String encodedRest, HttpReply r) throws IOException {
    UiAssets.Asset a = assets.staticAsset(encodedRest);
    if (logAccess) {
      LOG.info("static asset {} {}", encodedRest, a == null ? "not found" : "served");
    }
    if (a == null) {
      r.text(HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    r.bytes(a.contentType(), a.content());
    r.cacheControl = UiAssets.isHashed(encodedRest) ? "public, max-age=31536000, immutable" : "no-cache";
  }
}
