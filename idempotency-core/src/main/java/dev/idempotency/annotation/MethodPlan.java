package dev.idempotency.annotation;

import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.codec.Codecs;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.codec.TypeRef;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

// Size: compiling one annotation (key, principal, fingerprint, return shape, codec, options) in
// named steps, and a plan's own key and fingerprint at call time.
/** Everything about one {@link Idempotent} method, compiled once when the proxy is created. */
final class MethodPlan {
  /** How the method returns its result. */
  enum Kind {
    PLAIN, VOID, OPTIONAL, FUTURE, MONO, FLUX
  }

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  final String display;
  final Kind kind;
  final String namespace;
  final Scope scope;
  final KeyTemplate key;
  final KeyTemplate principal;
  final int[] fingerprintArgs;
  final boolean noFingerprint;
  final ResultCodec<Object> codec;
  final CallOptions options;

  private MethodPlan(String display, Kind kind, String namespace, KeyTemplate key, KeyTemplate principal,
      int[] fingerprintArgs, boolean noFingerprint, ResultCodec<Object> codec, CallOptions options) {
    this.display = display;
    this.kind = kind;
    this.namespace = namespace;
    this.scope = Scope.of(namespace);
    this.key = key;
    this.principal = principal;
    this.fingerprintArgs = fingerprintArgs;
    this.noFingerprint = noFingerprint;
    this.codec = codec;
    this.options = options;
  }

  IdempotencyKey key(Object[] args) {
    String value = key.render(args);
    Scope s = principal == null ? scope : Scope.of(namespace, principal.render(args));
    return new IdempotencyKey(s, value);
  }

  Fingerprint fingerprint(Object[] args) {
    if (noFingerprint || fingerprintArgs.length == 0) {
      return Fingerprint.none();
    }
    StringBuilder sb = new StringBuilder(128);
    sb.append('[');
    for (int i = 0; i < fingerprintArgs.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      Canonical.write(sb, args[fingerprintArgs[i]], 0);
    }
    return Fingerprint.sha256(sb.append(']').toString());
  }

  /**
   * Compiles a method's annotation.
   *
   * @param iface the type whose method carries the annotation (names the derived namespace)
   * @param json the codec of results without a registered one, or null for {@link Codecs#json(TypeRef)}
   */
  static MethodPlan compile(Class<?> iface, Method method, Idempotent a, IdempotencyEngine engine,
      Map<Class<?>, ResultCodec<?>> codecs, java.util.function.Function<Type, ResultCodec<?>> json) {
    String display = iface.getSimpleName() + "." + method.getName();
    try {
      String namespace = a.namespace().isEmpty() ? derivedNamespace(iface, method.getName()) : a.namespace();
      try {
        Scope.of(namespace);
      } catch (InvalidInputException e) {
        throw new PropertyPath.ResolutionException("namespace \"" + namespace + "\": " + e.getMessage());
      }

      KeyTemplate key = keyTemplate(method, a);
      KeyTemplate principal = a.principal().isEmpty() ? null : compileTemplate(a.principal(), method, "principal");
      boolean none = Arrays.asList(a.fingerprint()).contains(Idempotent.NO_FINGERPRINT);
      int[] fingerprint = none ? new int[0] : fingerprinted(method, a, key);
      Shape shape = shape(method, display);
      ResultCodec<Object> codec = codec(a, shape.valueType(), codecs, json);
      CallOptions options = options(a, engine.defaults());
      return new MethodPlan(display, shape.kind(), namespace, key, principal, fingerprint, none, codec, options);
    } catch (PropertyPath.ResolutionException e) {
      throw new InvalidInputException("@Idempotent", iface.getName() + "." + method.getName() + ": " + e.getMessage());
    }
  }

  /** The key: the template of {@code key}, or the {@code @Key} parameters joined; never both. */
  private static KeyTemplate keyTemplate(Method method, Idempotent a) throws PropertyPath.ResolutionException {
    List<Integer> keyParams = new ArrayList<>();
    Parameter[] params = method.getParameters();
    for (int i = 0; i < params.length; i++) {
      if (params[i].isAnnotationPresent(Key.class)) {
        keyParams.add(i);
      }
    }
    if (!a.key().isEmpty()) {
      if (!keyParams.isEmpty()) {
        throw new PropertyPath.ResolutionException("has both key = \"" + a.key() + "\" and @Key parameters; choose one");
      }
      return compileTemplate(a.key(), method, "key");
    }
    if (!keyParams.isEmpty()) {
      return KeyTemplate.ofParameters(keyParams, method, "key");
    }
    throw new PropertyPath.ResolutionException("has no key: set @Idempotent(key = \"{param.property}\") "
        + "or mark parameters with @Key");
  }

  /** The parameters fingerprinted: those named, else every one the key does not use whole. */
  private static int[] fingerprinted(Method method, Idempotent a, KeyTemplate key)
      throws PropertyPath.ResolutionException {
    if (a.fingerprint().length > 0) {
      int[] named = new int[a.fingerprint().length];
      for (int i = 0; i < named.length; i++) {
        named[i] = parameterIndex(method, a.fingerprint()[i]);
      }
      return named;
    }
    List<Integer> whole = key.wholeParameters();
    return java.util.stream.IntStream.range(0, method.getParameterCount()).filter(i -> !whole.contains(i)).toArray();
  }

  /** How a method returns its value, and the type that is stored. */
  private record Shape(Kind kind, Type valueType) {}

  private static Shape shape(Method method, String display) throws PropertyPath.ResolutionException {
    Type returnType = method.getGenericReturnType();
    Class<?> raw = PropertyPath.rawClass(returnType);
    if (method.getReturnType() == void.class || raw == Void.class) {
      return new Shape(Kind.VOID, Void.class);
    }
    if (raw == Optional.class) {
      return new Shape(Kind.OPTIONAL, typeArgument(returnType, display));
    }
    if (raw == CompletableFuture.class || raw == CompletionStage.class) {
      return new Shape(Kind.FUTURE, typeArgument(returnType, display));
    }
    // Reactor by name: it is optional, and its classes load only for such a method.
    if (raw.getName().equals("reactor.core.publisher.Mono")) {
      return new Shape(Kind.MONO, typeArgument(returnType, display));
    }
    if (raw.getName().equals("reactor.core.publisher.Flux")) {
      return new Shape(Kind.FLUX, new ListOf(typeArgument(returnType, display)));
    }
    return new Shape(Kind.PLAIN, returnType);
  }

  /** {@code List<T>}: what a {@code Flux<T>} method stores, its elements collected in order. */
  private record ListOf(Type element) implements ParameterizedType {
    @Override
    public Type[] getActualTypeArguments() {
      return new Type[] {element};
    }

    @Override
    public Type getRawType() {
      return List.class;
    }

    @Override
    public Type getOwnerType() {
      return null;
    }

    @Override
    public String getTypeName() {
      return "java.util.List<" + element.getTypeName() + ">";
    }
  }

  private static KeyTemplate compileTemplate(String template, Method method, String what)
      throws PropertyPath.ResolutionException {
    try {
      return KeyTemplate.compile(template, method, what);
    } catch (PropertyPath.ResolutionException e) {
      throw new PropertyPath.ResolutionException(what + " expression \"" + template + "\": " + e.getMessage());
    }
  }

  private static int parameterIndex(Method method, String name) throws PropertyPath.ResolutionException {
    Parameter[] params = method.getParameters();
    for (int i = 0; i < params.length; i++) {
      if (params[i].getName().equals(name)) {
        return i;
      }
    }
    if (params.length > 0 && !params[0].isNamePresent()) {
      throw new PropertyPath.ResolutionException("fingerprint names parameter \"" + name
          + "\" but parameter names are not available: compile with -parameters");
    }
    throw new PropertyPath.ResolutionException("fingerprint names an unknown parameter \"" + name + "\"");
  }

  static String derivedNamespace(Class<?> iface, String methodName) {
    String raw = iface.getSimpleName() + "." + methodName;
    StringBuilder sb = new StringBuilder();
    for (char c : raw.toCharArray()) {
      sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'
          ? c : '_');
    }
    return sb.length() > Scope.MAX_NAMESPACE_LENGTH ? sb.substring(0, Scope.MAX_NAMESPACE_LENGTH) : sb.toString();
  }

  private static Type typeArgument(Type type, String display) throws PropertyPath.ResolutionException {
    if (type instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[0];
    }
    throw new PropertyPath.ResolutionException("returns a raw " + type.getTypeName() + "; declare its type argument");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResultCodec<Object> codec(Idempotent a, Type valueType, Map<Class<?>, ResultCodec<?>> codecs,
      java.util.function.Function<Type, ResultCodec<?>> json) throws PropertyPath.ResolutionException {
    if (a.codec() != ResultCodec.class) {
      try {
        return (ResultCodec<Object>) a.codec().getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new PropertyPath.ResolutionException("codec " + a.codec().getName()
            + " needs a public no-argument constructor: " + e);
      }
    }
    Class<?> raw = PropertyPath.rawClass(valueType);
    ResultCodec<?> builtIn;
    if (raw == Void.class) {
      builtIn = Codecs.none();
    } else if (raw == String.class) {
      builtIn = Codecs.string();
    } else if (valueType == byte[].class) {
      builtIn = Codecs.bytes();
    } else if (raw == Long.class) {
      builtIn = Codecs.longs();
    } else if (raw == Integer.class) {
      builtIn = Codecs.integers();
    } else if (raw == Boolean.class) {
      builtIn = Codecs.booleans();
    } else if (codecs.containsKey(raw)) {
      builtIn = codecs.get(raw);
    } else {
      if (raw == Object.class || valueType instanceof java.lang.reflect.TypeVariable
          || valueType instanceof java.lang.reflect.WildcardType) {
        throw new PropertyPath.ResolutionException("no codec for " + valueType.getTypeName()
            + ": declare a concrete result type, register a codec with Idempotency.builder(engine).codec(..)"
            + " or set @Idempotent(codec = ...)");
      }
      try {
        // Generic types (List<Refund>) keep their type arguments, so JSON decodes the elements too.
        builtIn = json != null ? json.apply(valueType) : Codecs.json(TypeRef.ofType(valueType));
      } catch (InvalidInputException e) {
        throw new PropertyPath.ResolutionException("no codec for " + valueType.getTypeName() + ": register one, set "
            + "@Idempotent(codec = ...), or put Jackson (3 or 2) on the class path for JSON");
      }
    }
    return (ResultCodec) builtIn;
  }

  private static CallOptions options(Idempotent a, CallOptions defaults) throws PropertyPath.ResolutionException {
    CallOptions.Builder b = defaults.toBuilder();
    if (!a.lease().isEmpty()) {
      b.lease(duration(a.lease(), "lease"));
    }
    if (!a.retention().isEmpty()) {
      b.retention(duration(a.retention(), "retention"));
    }
    switch (a.inProgress()) {
      case REJECT -> b.inProgress(InProgressPolicy.reject());
      case AWAIT -> b.inProgress(InProgressPolicy.await(duration(a.maxWait(), "maxWait")));
      default -> { }
    }
    if (a.terminalOn().length > 0) {
      b.terminalOn(a.terminalOn());
    }
    return b.build();
  }

  static Duration duration(String text, String what) throws PropertyPath.ResolutionException {
    String t = text.trim();
    Duration d;
    Matcher m = SHORT_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw new PropertyPath.ResolutionException(what + " \"" + text + "\" is not a duration (\"30s\", \"24h\", \"PT5M\")");
      }
    }
    if (d.isZero() || d.isNegative()) {
      throw new PropertyPath.ResolutionException(what + " \"" + text + "\" must be positive");
    }
    return d;
  }
}
