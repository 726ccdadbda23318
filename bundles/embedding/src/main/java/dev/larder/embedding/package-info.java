/**
 * Text embedding models that run inside the server, without a network call: each is a {@link
 * dev.larder.embedding.TextEmbedder} service carrying its API name in {@link dev.larder.embedding.TextEmbedder#MODEL}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.larder.embedding;
