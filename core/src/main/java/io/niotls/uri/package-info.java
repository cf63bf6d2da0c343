/**
 * Transport URIs in the style of PHP streams: {@code tcp://host:port}, {@code tls://host:port},
 * {@code ssl://host:port}, {@code tlsv1.2://host:port}, {@code tlsv1.3://host:port} and bare {@code
 * host:port}, with IPv6 literals in brackets.
 *
 * <p>{@link io.niotls.uri.TransportUri} parses and validates them without touching the network;
 * obsolete protocols ({@code sslv2://}, {@code sslv3://}, TLS 1.0 and 1.1) are refused with an
 * error that says why.
 */
package io.niotls.uri;
