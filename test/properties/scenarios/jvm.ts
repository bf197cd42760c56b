/**
 * Maven and Gradle projects.
 *
 * Maven: `mvn dependency:go-offline` (or resolve / resolve-plugins, or the plugin's full
 * coordinates), a single POM or a parent with modules, .mvn/ config (maven.config, jvm.config,
 * and rarely extensions.xml), a settings file given with -s, rarely a profile activated by a file,
 * target/ sent or ignored, a parent POM in the folder above, and `mvn package` after it.
 *
 * Gradle: `gradle dependencies`, build and settings scripts in Groovy or Kotlin DSL with only the
 * plugins the ecosystem module knows, included subprojects, gradle.properties, a version catalog,
 * build/ or .gradle/ sent or ignored, rarely a script that reads a file or a buildSrc/, a settings
 * file in the folder above, and `gradle build` after it.
 *
 * The wrappers (./mvnw, ./gradlew) are left out: the stand-ins model the installed tools only.
 * The official images carry no Gradle (the gradle image is not among the base images), so Gradle
 * scenarios build FROM eclipse-temurin:21, which carries the stand-in, as standins.test.ts does.
 */
import fc from 'fast-check';
import { ignoreArb, middleArb, oneIn, parentArb, parentFiles, weighted, type EcosystemScenarios, type Files } from './common.js';

const dependency = (g: string, a: string, v: string): string =>
  `    <dependency>\n      <groupId>${g}</groupId>\n      <artifactId>${a}</artifactId>\n      <version>${v}</version>\n    </dependency>\n`;

function pom(body: { artifactId: string; packaging?: string; parent?: boolean; modules?: string[]; deps: string[]; extra?: string }): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    ...(body.parent ? ['  <parent>', '    <groupId>com.example</groupId>', '    <artifactId>parent</artifactId>', '    <version>1.0.0</version>', '  </parent>'] : ['  <groupId>com.example</groupId>']),
    `  <artifactId>${body.artifactId}</artifactId>`,
    ...(body.parent ? [] : ['  <version>1.0.0</version>']),
    ...(body.packaging ? [`  <packaging>${body.packaging}</packaging>`] : []),
    ...(body.modules ? ['  <modules>', ...body.modules.map((m) => `    <module>${m}</module>`), '  </modules>'] : []),
    ...(body.deps.length ? ['  <dependencies>', body.deps.join('').trimEnd(), '  </dependencies>'] : []),
    ...(body.extra ? [body.extra] : []),
    '</project>',
    '',
  ].join('\n');
}

const PROFILE_BY_FILE = '  <profiles>\n    <profile>\n      <id>local</id>\n      <activation><file><exists>local.properties</exists></file></activation>\n    </profile>\n  </profiles>';
const SYSTEM_PATH = '  <dependencies>\n    <dependency>\n      <groupId>com.acme</groupId>\n      <artifactId>native</artifactId>\n      <version>1.0</version>\n      <scope>system</scope>\n      <systemPath>${project.basedir}/lib/native.jar</systemPath>\n    </dependency>\n  </dependencies>';

export const maven: EcosystemScenarios = {
  ecosystem: 'maven',
  base: 'maven:3',
  cmd: ['java', '-jar', 'target/app-1.0.0.jar'],
  project: fc
    .record({
      middle: middleArb(['ENV MAVEN_OPTS=-Xmx512m']),
      command: weighted(
        ['mvn -B dependency:go-offline', 4],
        ['mvn -B -ntp dependency:resolve dependency:resolve-plugins', 1],
        ['mvn -q dependency:go-offline', 1],
        ['mvn -B org.apache.maven.plugins:maven-dependency-plugin:3.6.1:go-offline', 1],
      ),
      modules: weighted(['single', 2], ['multi', 2]),
      deps: fc.subarray(['junit:junit:4.13.2', 'com.google.guava:guava:33.0.0-jre', 'org.slf4j:slf4j-api:2.0.12'], { minLength: 1 }),
      dotMvn: weighted<string | null>([null, 4], ['config', 2], ['extensions', 1]),
      settings: oneIn(3),
      risky: weighted<string | null>([null, 8], ['profile-by-file', 1], ['system-path', 1]),
      targetSent: oneIn(3),
      ignore: ignoreArb(['target', '**/target', '*.md', '.git'], ['pom.xml', '.mvn']),
      then: fc.constantFrom(null, 'mvn -B package', 'mvn -B -o package -DskipTests', 'mvn -B package -DskipTests'),
      parent: parentArb,
    })
    .map((s) => {
      const deps = s.deps.map((d) => dependency(...(d.split(':') as [string, string, string])));
      const extra = s.risky === 'profile-by-file' ? PROFILE_BY_FILE : s.risky === 'system-path' ? SYSTEM_PATH : undefined;
      const files: Files = { 'README.md': '# app\n' };
      if (s.modules === 'single') {
        files['pom.xml'] = pom({ artifactId: 'app', deps, extra });
        files['src/main/java/App.java'] = 'class App {}\n';
      } else {
        files['pom.xml'] = pom({ artifactId: 'parent', packaging: 'pom', modules: ['core', 'app'], deps: [], extra });
        files['core/pom.xml'] = pom({ artifactId: 'core', parent: true, deps });
        files['core/src/main/java/Core.java'] = 'class Core {}\n';
        files['app/pom.xml'] = pom({ artifactId: 'app', parent: true, deps: [dependency('com.example', 'core', '1.0.0')] });
        files['app/src/main/java/App.java'] = 'class App {}\n';
      }
      if (s.dotMvn === 'config') {
        files['.mvn/maven.config'] = '-B\n-ntp\n';
        files['.mvn/jvm.config'] = '-Xmx1g\n';
      }
      if (s.dotMvn === 'extensions') {
        files['.mvn/extensions.xml'] = '<extensions>\n  <extension>\n    <groupId>kr.motd.maven</groupId>\n    <artifactId>os-maven-plugin</artifactId>\n    <version>1.7.1</version>\n  </extension>\n</extensions>\n';
      }
      if (s.settings) files['settings.xml'] = '<settings>\n  <mirrors>\n    <mirror>\n      <id>central</id>\n      <url>https://repo.example.com/maven2</url>\n      <mirrorOf>central</mirrorOf>\n    </mirror>\n  </mirrors>\n</settings>\n';
      if (s.risky === 'profile-by-file') files['local.properties'] = 'debug=true\n';
      if (s.risky === 'system-path') files['lib/native.jar'] = 'jar\n';
      if (s.targetSent) files[s.modules === 'single' ? 'target/app-0.9.0.jar' : 'core/target/core-1.0.0.jar'] = 'stale jar\n';
      const install = s.settings ? s.command.replace(/^mvn /, 'mvn -s settings.xml ') : s.command;
      const parentPom = pom({ artifactId: 'repo', packaging: 'pom', modules: ['svc'], deps: [] });
      return { files, ignore: s.ignore, parent: parentFiles(s.parent, { 'pom.xml': parentPom }), middle: s.middle, install, then: s.then };
    }),
};

interface GradleDsl {
  settings: string;
  build: string;
  plugins: (ids: readonly string[]) => string;
  dependency: (coordinates: string) => string;
  version: string;
  readsFile: string;
}

const GROOVY: GradleDsl = {
  settings: 'settings.gradle',
  build: 'build.gradle',
  plugins: (ids) => `plugins {\n${ids.map((id) => (id === 'java' ? "  id 'java'" : `  id '${id}' version '1.1.5'`)).join('\n')}\n}\n`,
  dependency: (c) => `  implementation '${c}'`,
  version: "version = '1.0.0'\n",
  readsFile: "def secret = new File('secret.txt').text\n",
};

const KOTLIN: GradleDsl = {
  settings: 'settings.gradle.kts',
  build: 'build.gradle.kts',
  plugins: (ids) => `plugins {\n${ids.map((id) => (id === 'java' ? '  java' : `  id("${id}") version "1.1.5"`)).join('\n')}\n}\n`,
  dependency: (c) => `  implementation("${c}")`,
  version: 'version = "1.0.0"\n',
  readsFile: 'val secret = file("secret.txt").readText()\n',
};

function buildScript(dsl: GradleDsl, plugins: readonly string[], deps: readonly string[], extra = ''): string {
  return `${dsl.plugins(plugins)}\n${dsl.version}\nrepositories {\n  mavenCentral()\n}\n\ndependencies {\n${deps.map(dsl.dependency).join('\n')}\n}\n${extra}`;
}

export const gradle: EcosystemScenarios = {
  ecosystem: 'gradle',
  base: 'eclipse-temurin:21',
  cmd: ['java', '-jar', 'build/libs/app-1.0.0.jar'],
  project: fc
    .record({
      middle: middleArb(['ENV GRADLE_OPTS=-Dorg.gradle.daemon=false']),
      dsl: fc.constantFrom(GROOVY, KOTLIN),
      command: weighted(['gradle dependencies --no-daemon', 3], ['gradle dependencies', 1], ['gradle --no-daemon -q dependencies --configuration runtimeClasspath', 1]),
      plugin: weighted<string | null>([null, 3], ['io.spring.dependency-management', 1], ['com.example.unknown', 1]),
      deps: fc.subarray(['com.google.guava:guava:33.0.0-jre', 'org.slf4j:slf4j-api:2.0.12', 'junit:junit:4.13.2'], { minLength: 1 }),
      subprojects: fc.boolean(),
      properties: fc.boolean(),
      catalog: oneIn(3),
      readsFile: oneIn(6),
      buildSrc: oneIn(10),
      buildSent: oneIn(3),
      cacheSent: oneIn(3),
      ignore: ignoreArb(['build', '**/build', '.gradle', '*.md', '.git'], ['settings.gradle*', 'gradle']),
      then: fc.constantFrom(null, 'gradle build --no-daemon', 'gradle build --offline --no-daemon', 'cp src/main/java/App.java built.java'),
      parent: parentArb,
    })
    .map((s) => {
      const d = s.dsl;
      const plugins = ['java', ...(s.plugin ? [s.plugin] : [])];
      const kotlin = d === KOTLIN;
      const include = s.subprojects ? (kotlin ? 'include("core", "app")\n' : "include 'core', 'app'\n") : '';
      const files: Files = {
        [d.settings]: `rootProject.name = ${kotlin ? '"app"' : "'app'"}\n${include}`,
        [d.build]: buildScript(d, plugins, s.deps, s.readsFile ? d.readsFile : ''),
        'src/main/java/App.java': 'class App {}\n',
        'README.md': '# app\n',
        'secret.txt': 'secret\n',
      };
      if (s.subprojects) {
        files[`core/${d.build}`] = buildScript(d, ['java'], ['org.slf4j:slf4j-api:2.0.12']);
        files['core/src/main/java/Core.java'] = 'class Core {}\n';
        files[`app/${d.build}`] = buildScript(d, ['java'], ['junit:junit:4.13.2']);
        files['app/src/main/java/Main.java'] = 'class Main {}\n';
      }
      if (s.properties) files['gradle.properties'] = 'org.gradle.jvmargs=-Xmx1g\norg.gradle.caching=true\n';
      if (s.catalog) files['gradle/libs.versions.toml'] = '[versions]\nguava = "33.0.0-jre"\n\n[libraries]\nguava = { module = "com.google.guava:guava", version.ref = "guava" }\n';
      if (s.buildSrc) files[`buildSrc/${d.build}`] = kotlin ? 'plugins {\n  `kotlin-dsl`\n}\n' : "plugins {\n  id 'groovy-gradle-plugin'\n}\n";
      if (s.buildSent) files['build/libs/app-0.9.0.jar'] = 'stale jar\n';
      if (s.cacheSent) files['.gradle/8.7/fileHashes/fileHashes.lock'] = 'lock\n';
      const parentSettings: Files = kotlin ? { 'settings.gradle.kts': 'rootProject.name = "repo"\ninclude("svc")\n' } : { 'settings.gradle': "rootProject.name = 'repo'\ninclude 'svc'\n" };
      return { files, ignore: s.ignore, parent: parentFiles(s.parent, parentSettings), middle: s.middle, install: s.command, then: s.then };
    }),
};
