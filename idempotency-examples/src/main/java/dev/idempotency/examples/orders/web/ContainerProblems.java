package dev.idempotency.examples.orders.web;

import java.io.IOException;
import java.io.PrintWriter;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/**
 * Errors Tomcat answers itself, before any route or Spring MVC runs (a request line or header it
 * cannot parse, an invalid character in the path), as {@code application/problem+json} too,
 * instead of Tomcat's HTML page: every error of the service has one shape.
 */
@Configuration(proxyBeanMethods = false)
class ContainerProblems {

  /** Before every other filter, the {@code Idempotency-Key} filter's included. */
  @Bean
  org.springframework.boot.web.servlet.FilterRegistrationBean<BodyLimit> bodyLimit() {
    org.springframework.boot.web.servlet.FilterRegistrationBean<BodyLimit> r =
        new org.springframework.boot.web.servlet.FilterRegistrationBean<>(new BodyLimit());
    r.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
    return r;
  }

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemJsonContainerErrors() {
    return factory -> factory.addContextCustomizers(context -> {
      Host host = (Host) context.getParent();
      if (host instanceof StandardHost standard) {
        standard.setErrorReportValveClass(ProblemJsonErrorReportValve.class.getName());
      }
    });
  }

  /** Tomcat's error report, written as problem+json with no server details. Instantiated by Tomcat. */
  public static final class ProblemJsonErrorReportValve extends ErrorReportValve {

    /** For Tomcat. */
    public ProblemJsonErrorReportValve() {}

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = response.getStatus();
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      HttpStatus known = HttpStatus.resolve(status);
      String title = known == null ? "Error" : known.getReasonPhrase();
      String slug = known == null ? "error" : known.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      String detail = status == 400 ? "The request is not valid HTTP (its request line, a header or the path)."
          : "The server could not handle the request.";
      try {
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        PrintWriter writer = response.getReporter();
        if (writer != null) {
          writer.write("{\"type\":\"" + ProblemAdvice.TYPES + slug + "\",\"title\":\"" + title + "\",\"status\":"
              + status + ",\"detail\":\"" + detail + "\"}");
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // The connection is gone or the response committed: nothing more can be said.
      }
    }
  }
}
