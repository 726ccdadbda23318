/**
 * The HTTP layer every product's API shares: one Jetty server and port ({@link dev.larder.http.HttpServer}),
 * products plugged in as {@link dev.larder.http.HttpProduct} services under their own path, and the pieces
 * each of them needs in the same form (bearer tokens, bodies read within a size limit, CORS, answers).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.larder.http;
