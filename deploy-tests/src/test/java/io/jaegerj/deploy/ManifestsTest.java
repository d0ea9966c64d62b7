// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validates everything under docker/: the structure of every Kubernetes, OpenShift and compose file, and that every
 * image, port, probe path and port, environment variable and flag they use exists in the binary behind the image
 * (see {@link FlagTables} for where each flag table comes from). Also checks each Dockerfile's conventions and that
 * it exposes exactly the seed's port table.
 */
class ManifestsTest {
  private static final Path DOCKER = FlagTables.ROOT.resolve("docker");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern JAEGERJ_IMAGE = Pattern.compile("^jaegerj/([a-z0-9-]+?)(-debug)?(:[\\w.-]+)?$");

  /** The seed's port tables (the all-in-one: the union of its components, with the legacy agent ports). */
  private static final Map<String, Set<String>> SEED_PORTS = Map.of(
      "all-in-one", Set.of("5775/udp", "6831/udp", "6832/udp", "5778", "9411", "4317", "4318", "14250", "14268",
          "14269", "16685", "16686"),
      "jaeger-collector", Set.of("4317", "4318", "9411", "14250", "14268", "14269"),
      "jaeger-query", Set.of("16685", "16686", "16687"),
      "jaeger-ingester", Set.of("14270"),
      "jaeger-remote-storage", Set.of("17270", "17271"),
      "jaeger-es-index-cleaner", Set.of(),
      "jaeger-es-rollover", Set.of(),
      "jaeger-cassandra-schema", Set.of());

  /** Where each image's binary keeps its storage type when SPAN_STORAGE_TYPE is unset (as Jaeger). */
  private static final Map<String, String> DEFAULT_STORAGE = Map.of("all-in-one", "memory", "jaeger-collector",
      "cassandra", "jaeger-query", "cassandra", "jaeger-ingester", "cassandra", "jaeger-remote-storage", "memory");

  private static final FlagTables TABLES = new FlagTables();
  private static Map<String, Dockerfile> dockerfiles;

  record Dockerfile(String image, String text, Set<String> exposed, String jar) {}

  @BeforeAll
  static void readDockerfiles() throws IOException {
    dockerfiles = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(DOCKER)) {
      for (Path dir : s.sorted().toList()) {
        Path f = dir.resolve("Dockerfile");
        if (Files.exists(f)) {
          String text = Files.readString(f);
          String base = text.substring(0, Math.max(0, text.indexOf("FROM base AS debug")));
          Set<String> exposed = new TreeSet<>();
          Matcher m = Pattern.compile("(?m)^EXPOSE (.*)$").matcher(base);
          while (m.find()) {
            exposed.addAll(List.of(m.group(1).trim().split("\\s+")));
          }
          Matcher jar = Pattern.compile("(?m)^ARG JAR=(\\S+)$").matcher(text);
          String name = dir.getFileName().toString();
          dockerfiles.put(name, new Dockerfile(name, text, exposed, jar.find() ? jar.group(1) : ""));
        }
      }
    }
  }

  @Test
  void everyComponentHasADockerfileExposingTheSeedPorts() {
    assertThat(dockerfiles.keySet()).containsExactlyInAnyOrderElementsOf(SEED_PORTS.keySet());
    List<String> problems = new ArrayList<>();
    for (Dockerfile d : dockerfiles.values()) {
      String t = d.text();
      String where = "docker/" + d.image() + "/Dockerfile: ";
      if (!d.exposed().equals(SEED_PORTS.get(d.image()))) {
        problems.add(where + "exposes " + d.exposed() + ", the seed's table says " + SEED_PORTS.get(d.image()));
      }
      if (!t.contains("ARG BASE_IMAGE=eclipse-temurin:17-jre\n") || !t.contains("FROM ${BASE_IMAGE} AS base")) {
        problems.add(where + "base image is not the build argument BASE_IMAGE (default eclipse-temurin:17-jre)");
      }
      if (!t.strip().endsWith("FROM base AS release")) {
        problems.add(where + "the last stage (the default build) must be the release stage");
      }
      String debug = t.substring(t.indexOf("FROM base AS debug"));
      if (!debug.contains("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005")
          || !debug.contains("EXPOSE 5005")) {
        problems.add(where + "debug stage does not listen for JDWP on 5005");
      }
      if (!t.contains("USER 10001:10001") || !t.contains("useradd --system --uid 10001")) {
        problems.add(where + "does not run as the unprivileged user 10001");
      }
      if (!t.contains("-XX:MaxRAMPercentage=75") || !t.contains("exec java $JAVA_OPTS $JAVA_DEBUG_OPTS -jar")) {
        problems.add(where + "JVM does not size its heap from the container limit through JAVA_OPTS");
      }
      Matcher jar = Pattern.compile("^([a-z-]+)/target/\\1-0\\.1\\.0-SNAPSHOT-exec\\.jar$").matcher(d.jar());
      if (!jar.matches()) {
        problems.add(where + "jar " + d.jar() + " is not <module>/target/<module>-0.1.0-SNAPSHOT-exec.jar");
      } else if (!Files.isDirectory(FlagTables.ROOT.resolve(jar.group(1)))) {
        problems.add(where + "module " + jar.group(1) + " does not exist");
      }
      boolean server = !SEED_PORTS.get(d.image()).isEmpty();
      boolean health = t.contains("HEALTHCHECK") && t.contains("\"status\"]");
      if (server != health) {
        problems.add(where + (server ? "server without a status HEALTHCHECK" : "one-shot job with a HEALTHCHECK"));
      }
      if (server) {
        Set<String> allowed = portsOf(d.image(), DEFAULT_STORAGE.get(d.image()), Map.of());
        for (String p : d.exposed()) {
          if (!allowed.contains(p.replace("/udp", ""))) {
            problems.add(where + "exposes " + p + " which no flag of the binary opens");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void buildScriptKnowsEveryImage() throws IOException {
    String script = Files.readString(DOCKER.resolve("build-and-run.sh"));
    for (Dockerfile d : dockerfiles.values()) {
      String row = "\"" + d.image() + "|" + d.image() + "|" + d.jar().replace("0.1.0-SNAPSHOT", "$VERSION") + "|";
      assertThat(script).as("IMAGES row of " + d.image()).contains(row);
    }
  }

  @Test
  void kubernetesManifests() throws IOException {
    for (String f : List.of("kubernetes/all-in-one.yaml", "kubernetes/production.yaml")) {
      List<String> problems = checkKubernetes(f, readAll(DOCKER.resolve(f)));
      assertThat(problems).as(f).isEmpty();
    }
  }

  @Test
  void productionLayoutHasTheRequiredObjects() throws IOException {
    List<JsonNode> docs = readAll(DOCKER.resolve("kubernetes/production.yaml"));
    Set<String> kinds = new HashSet<>();
    for (JsonNode d : docs) {
      kinds.add(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText());
    }
    assertThat(kinds).contains("Deployment/jaeger-collector", "Service/jaeger-collector",
        "HorizontalPodAutoscaler/jaeger-collector", "PodDisruptionBudget/jaeger-collector",
        "Deployment/jaeger-query", "Service/jaeger-query", "Ingress/jaeger-query", "PodDisruptionBudget/jaeger-query",
        "Deployment/jaeger-ingester", "PodDisruptionBudget/jaeger-ingester", "Deployment/jaeger-remote-storage",
        "Service/jaeger-remote-storage", "ConfigMap/jaeger-kafka-producer", "ConfigMap/jaeger-kafka-consumer", "ConfigMap/jaeger-elasticsearch",
        "ConfigMap/jaeger-cassandra", "Secret/jaeger-tls", "Secret/jaeger-es-credentials",
        "Secret/jaeger-cassandra-credentials");
    for (JsonNode d : docs) {
      if (d.path("kind").asText().equals("Deployment")) {
        for (JsonNode c : d.at("/spec/template/spec/containers")) {
          assertThat(c.at("/resources/requests").isObject()).as("requests of " + c.path("name")).isTrue();
          assertThat(c.path("livenessProbe").isObject()).as("liveness of " + c.path("name")).isTrue();
        }
      }
    }
  }

  @Test
  void openShiftTemplate() throws IOException {
    JsonNode template = readAll(DOCKER.resolve("openshift/jaeger-all-in-one-template.yaml")).get(0);
    assertThat(template.path("apiVersion").asText()).isEqualTo("template.openshift.io/v1");
    assertThat(template.path("kind").asText()).isEqualTo("Template");
    Map<String, String> params = new HashMap<>();
    for (JsonNode p : template.path("parameters")) {
      assertThat(p.path("name").asText()).matches("[A-Z_]+");
      params.put(p.path("name").asText(), p.path("value").asText());
    }
    String objects = YAML.writeValueAsString(template.path("objects"));
    Matcher m = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(objects);
    StringBuilder processed = new StringBuilder();
    while (m.find()) {
      assertThat(params).as("template parameter").containsKey(m.group(1));
      m.appendReplacement(processed, Matcher.quoteReplacement(params.get(m.group(1))));
    }
    m.appendTail(processed);
    List<JsonNode> docs = new ArrayList<>();
    YAML.readTree(processed.toString()).forEach(docs::add);
    assertThat(docs).isNotEmpty();
    assertThat(checkKubernetes("openshift template", docs)).isEmpty();
  }

  @Test
  void composeFiles() throws IOException {
    List<String> files = List.of("all-in-one.yml", "elasticsearch.yml", "cassandra.yml", "kafka.yml");
    try (Stream<Path> s = Files.list(DOCKER.resolve("compose"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrderElementsOf(files);
    }
    for (String f : files) {
      List<String> problems = new ArrayList<>();
      JsonNode doc = readAll(DOCKER.resolve("compose").resolve(f)).get(0);
      JsonNode services = doc.path("services");
      assertThat(services.size()).as(f).isPositive();
      boolean ours = false;
      for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode svc = e.getValue();
        String where = f + " service " + e.getKey();
        if (svc.path("image").asText().isEmpty()) {
          problems.add(where + ": no image");
        }
        for (Iterator<String> deps = svc.path("depends_on").fieldNames(); deps.hasNext(); ) {
          String dep = deps.next();
          if (!services.has(dep)) {
            problems.add(where + ": depends on unknown service " + dep);
          }
        }
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode environment = svc.path("environment");
        if (environment.isObject()) {
          environment.fields().forEachRemaining(x -> env.put(x.getKey(), x.getValue().asText()));
        } else {
          for (JsonNode x : environment) {
            String[] kv = x.asText().split("=", 2);
            env.put(kv[0], kv.length > 1 ? kv[1] : "");
          }
        }
        List<PortUse> ports = new ArrayList<>();
        for (JsonNode p : svc.path("ports")) {
          Matcher pm = Pattern.compile("^(?:[\\d.]*:)?(?:\\d*:)?(\\d+)(?:/(tcp|udp))?$").matcher(p.asText());
          if (!pm.matches()) {
            problems.add(where + ": unreadable port " + p.asText());
          } else {
            ports.add(new PortUse(Integer.parseInt(pm.group(1)), pm.group(2) == null ? "tcp" : pm.group(2)));
          }
        }
        List<String> args = new ArrayList<>();
        svc.path("command").forEach(a -> args.add(a.asText()));
        ours |= checkContainer(where, svc.path("image").asText(), env, args, ports, null, problems);
      }
      assertThat(ours).as(f + " runs one of our images").isTrue();
      assertThat(problems).as(f).isEmpty();
    }
  }

  @Test
  void theCheckCatchesMistakes() {
    // The validator itself must reject what it exists to reject: an unknown variable, a port nothing opens, a probe
    // on the wrong port and an image we do not build.
    List<String> problems = new ArrayList<>();
    checkContainer("bad", "jaegerj/jaeger-query:latest",
        Map.of("SPAN_STORAGE_TYPE", "memory", "QUERY_NO_SUCH_FLAG", "x"), List.of("--query.no-such=1"),
        List.of(new PortUse(12345, "tcp")), null, problems);
    checkContainer("bad", "jaegerj/jaeger-nothing:latest", Map.of(), List.of(), List.of(), null, problems);
    ObjectNode probe = YAML.createObjectNode();
    probe.putObject("readinessProbe").putObject("httpGet").put("path", "/").put("port", 14269);
    checkContainer("bad", "jaegerj/jaeger-query:latest", Map.of("SPAN_STORAGE_TYPE", "memory"), List.of(),
        List.of(), probe, problems);
    assertThat(String.join("\n", problems)).contains("QUERY_NO_SUCH_FLAG", "--query.no-such", "12345",
        "jaeger-nothing", "probe port 14269");
  }

  // ---------------------------------------------------------------------------------------------------------------

  record PortUse(int port, String protocol) {}

  private static List<JsonNode> readAll(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser p = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
      Iterator<JsonNode> it = YAML.readValues(p, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add(n);
        }
      }
    }
    return docs;
  }

  private static final Map<String, String> API_VERSIONS = Map.ofEntries(Map.entry("Deployment", "apps/v1"),
      Map.entry("Service", "v1"), Map.entry("ConfigMap", "v1"), Map.entry("Secret", "v1"),
      Map.entry("PersistentVolumeClaim", "v1"), Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"),
      Map.entry("PodDisruptionBudget", "policy/v1"), Map.entry("Ingress", "networking.k8s.io/v1"),
      Map.entry("CronJob", "batch/v1"), Map.entry("Route", "route.openshift.io/v1"));

  private static List<String> checkKubernetes(String file, List<JsonNode> docs) {
    List<String> problems = new ArrayList<>();
    Map<String, JsonNode> byKindName = new LinkedHashMap<>();
    for (JsonNode d : docs) {
      String kind = d.path("kind").asText();
      String name = d.at("/metadata/name").asText();
      if (!API_VERSIONS.containsKey(kind)) {
        problems.add(file + ": unexpected kind " + kind);
        continue;
      }
      if (!API_VERSIONS.get(kind).equals(d.path("apiVersion").asText())) {
        problems.add(file + ": " + kind + " " + name + " has apiVersion " + d.path("apiVersion").asText());
      }
      if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        problems.add(file + ": " + kind + " has invalid name '" + name + "'");
      }
      if (byKindName.put(kind + "/" + name, d) != null) {
        problems.add(file + ": duplicate " + kind + "/" + name);
      }
    }
    // Pod templates (Deployments and CronJobs) with their labels and ports.
    Map<String, JsonNode> pods = new LinkedHashMap<>();
    byKindName.forEach((key, d) -> {
      if (key.startsWith("Deployment/")) {
        pods.put(key, d.at("/spec/template"));
        JsonNode sel = d.at("/spec/selector/matchLabels");
        if (!sel.isObject() || sel.isEmpty() || !labelsMatch(sel, d.at("/spec/template/metadata/labels"))) {
          problems.add(file + ": " + key + " selector does not match its pod labels");
        }
      } else if (key.startsWith("CronJob/")) {
        pods.put(key, d.at("/spec/jobTemplate/spec/template"));
      }
    });
    for (Map.Entry<String, JsonNode> e : pods.entrySet()) {
      JsonNode spec = e.getValue().path("spec");
      String where = file + ": " + e.getKey();
      if (!spec.at("/securityContext/runAsNonRoot").asBoolean(false)) {
        problems.add(where + ": pod does not set runAsNonRoot");
      }
      Set<String> volumes = new HashSet<>();
      for (JsonNode v : spec.path("volumes")) {
        volumes.add(v.path("name").asText());
        refExists(byKindName, "Secret", v.at("/secret/secretName"), where, problems);
        refExists(byKindName, "PersistentVolumeClaim", v.at("/persistentVolumeClaim/claimName"), where, problems);
      }
      JsonNode containers = spec.path("containers");
      if (containers.isEmpty()) {
        problems.add(where + ": no containers");
      }
      for (JsonNode c : containers) {
        String cw = where + " container " + c.path("name").asText();
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode ev : c.path("env")) {
          env.put(ev.path("name").asText(), ev.path("value").asText(""));
          refExists(byKindName, "Secret", ev.at("/valueFrom/secretKeyRef/name"), cw, problems);
          refExists(byKindName, "ConfigMap", ev.at("/valueFrom/configMapKeyRef/name"), cw, problems);
        }
        for (JsonNode ef : c.path("envFrom")) {
          for (String kind : List.of("ConfigMap", "Secret")) {
            JsonNode ref = ef.at("/" + (kind.equals("Secret") ? "secretRef" : "configMapRef") + "/name");
            if (ref.isMissingNode()) {
              continue;
            }
            JsonNode target = byKindName.get(kind + "/" + ref.asText());
            if (target == null) {
              problems.add(cw + ": envFrom " + kind + " " + ref.asText() + " is not defined");
              continue;
            }
            for (String field : List.of("data", "stringData")) {
              target.path(field).fields().forEachRemaining(x -> env.putIfAbsent(x.getKey(), x.getValue().asText()));
            }
          }
        }
        for (JsonNode vm : c.path("volumeMounts")) {
          if (!volumes.contains(vm.path("name").asText())) {
            problems.add(cw + ": mounts undefined volume " + vm.path("name").asText());
          }
        }
        List<PortUse> ports = new ArrayList<>();
        for (JsonNode p : c.path("ports")) {
          ports.add(new PortUse(p.path("containerPort").asInt(), p.path("protocol").asText("TCP").toLowerCase()));
        }
        List<String> args = new ArrayList<>();
        c.path("args").forEach(a -> args.add(a.asText()));
        c.path("command").forEach(a -> args.add(a.asText()));
        checkContainer(cw, c.path("image").asText(), env, args, ports, c, problems);
      }
    }
    // Services select pods and target their ports; Ingress/Route/HPA/PDB point at what exists.
    byKindName.forEach((key, d) -> {
      String where = file + ": " + key;
      switch (d.path("kind").asText()) {
        case "Service" -> {
          List<JsonNode> selected = pods.values().stream()
              .filter(t -> labelsMatch(d.at("/spec/selector"), t.at("/metadata/labels"))).toList();
          if (selected.isEmpty()) {
            problems.add(where + ": selector matches no pod");
          }
          for (JsonNode p : d.at("/spec/ports")) {
            JsonNode target = p.has("targetPort") ? p.path("targetPort") : p.path("port");
            String proto = p.path("protocol").asText("TCP");
            for (JsonNode pod : selected) {
              boolean found = false;
              for (JsonNode c : pod.at("/spec/containers")) {
                for (JsonNode cp : c.path("ports")) {
                  boolean same = target.isInt() ? cp.path("containerPort").asInt() == target.asInt()
                      : cp.path("name").asText().equals(target.asText());
                  found |= same && cp.path("protocol").asText("TCP").equals(proto);
                }
              }
              if (!found) {
                problems.add(where + ": port " + p.path("name").asText() + " targets " + target + "/" + proto
                    + " which the selected pod does not declare");
              }
            }
          }
        }
        case "HorizontalPodAutoscaler" -> {
          if (!byKindName.containsKey(d.at("/spec/scaleTargetRef/kind").asText() + "/"
              + d.at("/spec/scaleTargetRef/name").asText())) {
            problems.add(where + ": scale target does not exist");
          }
          if (d.at("/spec/minReplicas").asInt() < 1
              || d.at("/spec/maxReplicas").asInt() < d.at("/spec/minReplicas").asInt()) {
            problems.add(where + ": replica bounds");
          }
        }
        case "PodDisruptionBudget" -> {
          if (pods.values().stream().noneMatch(t -> labelsMatch(d.at("/spec/selector/matchLabels"),
              t.at("/metadata/labels")))) {
            problems.add(where + ": selector matches no pod");
          }
        }
        case "Ingress" -> {
          for (JsonNode tls : d.at("/spec/tls")) {
            refExists(byKindName, "Secret", tls.path("secretName"), where, problems);
          }
          for (JsonNode rule : d.at("/spec/rules")) {
            for (JsonNode path : rule.at("/http/paths")) {
              servicePortExists(byKindName, path.at("/backend/service/name").asText(),
                  path.at("/backend/service/port/number"), where, problems);
            }
          }
        }
        case "Route" -> servicePortExists(byKindName, d.at("/spec/to/name").asText(),
            d.at("/spec/port/targetPort"), where, problems);
        default -> { }
      }
    });
    return problems;
  }

  private static void servicePortExists(Map<String, JsonNode> objects, String service, JsonNode port, String where,
      List<String> problems) {
    JsonNode svc = objects.get("Service/" + service);
    if (svc == null) {
      problems.add(where + ": service " + service + " does not exist");
      return;
    }
    for (JsonNode p : svc.at("/spec/ports")) {
      if (port.isInt() ? p.path("port").asInt() == port.asInt() : p.path("name").asText().equals(port.asText())) {
        return;
      }
    }
    problems.add(where + ": service " + service + " has no port " + port);
  }

  private static void refExists(Map<String, JsonNode> objects, String kind, JsonNode name, String where,
      List<String> problems) {
    if (!name.isMissingNode() && !objects.containsKey(kind + "/" + name.asText())) {
      problems.add(where + ": " + kind + " " + name.asText() + " is not defined");
    }
  }

  private static boolean labelsMatch(JsonNode selector, JsonNode labels) {
    if (!selector.isObject() || selector.isEmpty()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks one container of one of our images: the image exists, every variable and flag belongs to its binary (for
   * the storage types it selects), every port is one the binary opens, probes ask the admin port for "/".
   *
   * @return whether the image is one of ours
   */
  private static boolean checkContainer(String where, String image, Map<String, String> env, List<String> args,
      List<PortUse> ports, JsonNode k8s, List<String> problems) {
    Matcher im = JAEGERJ_IMAGE.matcher(image);
    if (!im.matches()) {
      return false;
    }
    String name = im.group(1);
    Dockerfile df = dockerfiles.get(name);
    if (df == null) {
      problems.add(where + ": image " + image + " is not built from docker/ (no docker/" + name + "/Dockerfile)");
      return true;
    }
    String storage = env.getOrDefault("SPAN_STORAGE_TYPE", DEFAULT_STORAGE.getOrDefault(name, ""));
    Map<String, String> flags = new LinkedHashMap<>();
    for (String s : FlagTables.storages(storage)) {
      flags.putAll(TABLES.flags(name, s));
    }
    Set<String> envNames = FlagTables.envNames(flags);
    for (String var : env.keySet()) {
      boolean ok = FlagTables.NON_FLAG_ENV.contains(var) || envNames.contains(var)
          || (name.equals("jaeger-cassandra-schema") && FlagTables.CASSANDRA_SCHEMA_ENV.contains(var));
      if (!ok) {
        problems.add(where + ": " + var + " is not a variable of " + name + " with SPAN_STORAGE_TYPE=" + storage
            + " (flags from " + TABLES.source.get(name + "|" + storage) + ")");
      }
    }
    for (String a : args) {
      if (a.startsWith("--")) {
        String flag = a.substring(2).split("=", 2)[0];
        if (!flags.containsKey(flag)) {
          problems.add(where + ": flag --" + flag + " is not a flag of " + name);
        }
      }
    }
    Set<String> allowed = portsOf(name, storage, env);
    for (PortUse p : ports) {
      if (!allowed.contains(String.valueOf(p.port()))) {
        problems.add(where + ": port " + p.port() + " is opened by no flag of " + name + " " + allowed);
      }
      String exposed = p.port() + ("udp".equals(p.protocol()) ? "/udp" : "");
      if (!df.exposed().contains(exposed)) {
        problems.add(where + ": port " + exposed + " is not exposed by docker/" + name + "/Dockerfile");
      }
    }
    if (k8s != null) {
      String admin = env.getOrDefault("ADMIN_HTTP_HOST_PORT", flags.getOrDefault("admin.http.host-port", ""));
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        JsonNode get = k8s.path(probe).path("httpGet");
        if (get.isMissingNode()) {
          continue;
        }
        if (!admin.endsWith(":" + get.path("port").asText())) {
          problems.add(where + ": " + probe + " probe port " + get.path("port").asText() + " is not the admin port "
              + admin);
        }
        if (!Set.of("/", "/metrics").contains(get.path("path").asText())) {
          problems.add(where + ": " + probe + " path " + get.path("path").asText() + " is not served by the admin port");
        }
      }
      if (!SEED_PORTS.get(name).isEmpty() && k8s.path("readinessProbe").isMissingNode()) {
        problems.add(where + ": server without a readiness probe");
      }
    }
    return true;
  }

  /** Ports the binary opens: its host-port defaults, host-ports set through the environment, and Zipkin's 9411. */
  private static Set<String> portsOf(String image, String storage, Map<String, String> env) {
    Set<String> ports = new LinkedHashSet<>();
    Map<String, String> flags = new LinkedHashMap<>();
    for (String s : FlagTables.storages(storage)) {
      flags.putAll(TABLES.flags(image, s));
    }
    FlagTables.defaultPorts(flags).keySet().forEach(p -> ports.add(String.valueOf(p)));
    Set<String> envNames = FlagTables.envNames(flags);
    env.forEach((k, v) -> {
      if (k.endsWith("HOST_PORT") && envNames.contains(k) && v.matches(".*:\\d+")) {
        ports.add(v.substring(v.lastIndexOf(':') + 1));
      }
    });
    if (flags.containsKey("collector.zipkin.host-port")) {
      ports.add("9411"); // disabled by default; the seed's table and examples use 9411
    }
    return ports;
  }
}
