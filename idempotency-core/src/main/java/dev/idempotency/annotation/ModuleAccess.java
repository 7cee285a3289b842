package dev.idempotency.annotation;

/**
 * What to add to an application's {@code module-info.java} when the library cannot reach its types
 * on the module path: the library calls annotated methods and reads key and fingerprint properties
 * through method handles from its own module, {@code dev.idempotency.core}.
 */
final class ModuleAccess {
  private static final Module CORE = ModuleAccess.class.getModule();

  private ModuleAccess() {}

  /**
   * Whether a type is the JDK's own, whose inaccessible internals the library reads no further.
   *
   * @param type the type
   * @return true for a type of a {@code java.*} or {@code jdk.*} module
   */
  static boolean jdk(Class<?> type) {
    String name = type.getModule().getName();
    return name != null && (name.startsWith("java.") || name.startsWith("jdk."));
  }

  /**
   * The advice for a type the library could not access, or an empty string when its module is not
   * the cause (the class path, or a package already open to the library).
   *
   * @param type the type whose member was refused
   * @return {@code " On the module path, add ... to module-info.java."} or {@code ""}
   */
  static String hint(Class<?> type) {
    Module module = type.getModule();
    String pkg = type.getPackageName();
    if (!module.isNamed() || module.isOpen(pkg, CORE)) {
      return "";
    }
    String directive = module.isExported(pkg, CORE) ? "opens " + pkg + " to dev.idempotency.core;"
        : "exports " + pkg + " to dev.idempotency.core; (or opens, for members that are not public)";
    return " On the module path, module " + module.getName() + " must let the library in: add " + directive
        + " to its module-info.java.";
  }
}
