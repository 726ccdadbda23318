/**
 * The HTTP layer every product's API shares: one Jetty server and port ({@link dev.larder.http.HttpServer}),
 * products plugged in as {@link dev.larder.http.HttpProduct} services under their own path, and the pieces
 * each of them needs in the same form (bearer tokens, bodies read within a size limit, CORS, answers), and the
 * client for the calls Larder makes out ({@link dev.larder.http.OutboundHttp}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.larder.http;
