/**
 * The HTTP {@code Idempotency-Key} header for Spring MVC: {@link dev.idempotency.spring.web.IdempotentRequest}
 * on a route, and the filter that implements it.
 */
package dev.idempotency.spring.web;
