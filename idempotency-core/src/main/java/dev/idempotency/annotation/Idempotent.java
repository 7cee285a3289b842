package dev.idempotency.annotation;

import dev.idempotency.codec.ResultCodec;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method idempotent when its object is wrapped by {@link Idempotency#proxy} (on the
 * interface's method or the implementation's), by a framework through {@link IdempotentMethods}, or
 * as a Spring bean by the starter's advisor: the first call with a key runs, duplicates get its
 * result.
 *
 * <pre>{@code
 * interface OrderService {
 *   @Idempotent(namespace = "orders", key = "{request.submitToken}", principal = "{request.userId}",
 *       retention = "24h", terminalOn = PaymentDeclinedException.class)
 *   OrderConfirmation place(OrderRequest request);
 * }
 * }</pre>
 *
 * <h2>Key expressions</h2>
 * {@link #key()} and {@link #principal()} are templates: literal text with {@code {path}}
 * placeholders, {@code {{} and {@code }}} for literal braces. A path starts with a parameter name and
 * continues with properties separated by dots; a property is a record component, a getter
 * ({@code getX()}, {@code isX()}, or {@code x()}), a public field, or a map entry (the key is the
 * text of the segment). Paths are resolved against the declared types once, when the proxy is
 * created: an unknown parameter or property, a malformed template, or a class compiled without
 * {@code -parameters} fails there, naming the interface, method and expression. At call time a null
 * anywhere on a path is an {@link dev.idempotency.InvalidInputException}, never the text "null".
 * Without {@link #key()}, the parameters annotated with {@link Key} form the key, joined with
 * {@code ':'} in parameter order.
 *
 * <h2>Fingerprint</h2>
 * By default every argument that is not itself the key (not a {@link Key} parameter, nor used whole
 * as {@code {param}} in the key) is part of the request's fingerprint, so the same key with a
 * different request is a {@link dev.idempotency.KeyReusedException}. {@link #fingerprint()} names
 * the arguments explicitly; {@link #NO_FINGERPRINT} turns the check off. Arguments are encoded in a
 * canonical form (records by component, beans by property, maps and sets sorted) and hashed with
 * SHA-256.
 *
 * <h2>Durations</h2>
 * {@link #lease()}, {@link #retention()} and {@link #maxWait()} take ISO-8601 ({@code "PT30S"}) or
 * a number with a unit: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} ({@code "30s"},
 * {@code "24h"}). Empty means the engine's default.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {
  /** The {@link #fingerprint()} value that turns the fingerprint check off. */
  String NO_FINGERPRINT = "#none";

  /**
   * The namespace of the keys; empty derives {@code TypeName.methodName} from the type whose method
   * carries this annotation (the interface, or the class). Set it for keys that survive a rename.
   *
   * @return the namespace
   */
  String namespace() default "";

  /**
   * The key template, for example {@code "order:{request.userId}:{request.submitToken}"}; empty
   * uses the {@link Key} parameters.
   *
   * @return the template
   */
  String key() default "";

  /**
   * The principal template (whom the key belongs to), for example {@code "{request.userId}"};
   * empty for keys shared by everyone.
   *
   * @return the template
   */
  String principal() default "";

  /**
   * How long a claim is held; empty for the engine's default.
   *
   * @return the duration
   */
  String lease() default "";

  /**
   * How long the result is replayed; empty for the engine's default.
   *
   * @return the duration
   */
  String retention() default "";

  /**
   * What a duplicate does while the first call runs.
   *
   * @return the policy
   */
  InProgress inProgress() default InProgress.ENGINE_DEFAULT;

  /**
   * The longest wait under {@link InProgress#AWAIT}.
   *
   * @return the duration
   */
  String maxWait() default "5s";

  /**
   * The parameter names whose values form the fingerprint; empty for the default rule,
   * {@link #NO_FINGERPRINT} for none.
   *
   * @return the parameter names
   */
  String[] fingerprint() default {};

  /**
   * Exception types whose failures are stored and replayed instead of releasing the key.
   *
   * @return the types
   */
  Class<? extends Throwable>[] terminalOn() default {};

  /**
   * The codec of the result, a class with a public no-argument constructor; {@code ResultCodec.class}
   * (the default) chooses by return type: built-ins for {@code String}, {@code byte[]}, {@code long},
   * {@code int}, {@code boolean} and {@code void}, a codec registered with
   * {@link Idempotency.Builder#codec}, else JSON through Jackson if it is on the class path.
   *
   * @return the codec class
   */
  @SuppressWarnings("rawtypes")
  Class<? extends ResultCodec> codec() default ResultCodec.class;
}
