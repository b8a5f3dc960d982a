{{/* Names, labels and the few derived values several templates must agree on. */}}

{{- define "apisensor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "apisensor.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Component names stay under 63 characters with their suffix. */}}
{{- define "apisensor.agentName" -}}
{{- printf "%s-agent" (include "apisensor.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{- define "apisensor.collectorName" -}}
{{- printf "%s-collector" (include "apisensor.fullname" . | trunc 53 | trimSuffix "-") -}}
{{- end -}}

{{- define "apisensor.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "apisensor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "agent"). */}}
{{- define "apisensor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "apisensor.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "apisensor.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "apisensor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "apisensor.agentName" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Secrets: the chart's own, or the user's existing ones. */}}
{{- define "apisensor.apiSecretName" -}}
{{- default (printf "%s-api" (include "apisensor.fullname" .)) .Values.api.existingSecret -}}
{{- end -}}

{{- define "apisensor.fingerprintSecretName" -}}
{{- default (printf "%s-fingerprint" (include "apisensor.fullname" .)) .Values.agent.fingerprintKey.existingSecret -}}
{{- end -}}

{{- define "apisensor.streamTokenSecretName" -}}
{{- default (printf "%s-stream-token" (include "apisensor.collectorName" .)) .Values.collector.streamToken.existingSecret -}}
{{- end -}}

{{- define "apisensor.siemSecretName" -}}
{{- printf "%s-siem" (include "apisensor.fullname" .) -}}
{{- end -}}

{{- define "apisensor.specsConfigMapName" -}}
{{- default (printf "%s-specs" (include "apisensor.fullname" .)) .Values.agent.specs.existingConfigMap -}}
{{- end -}}

{{/* The collector's server certificate Secret (tls.crt, tls.key, ca.crt). */}}
{{- define "apisensor.collectorTlsSecretName" -}}
{{- if eq .Values.collector.tls.source "secret" -}}
{{- required "collector.tls.secretName is required with collector.tls.source=secret" .Values.collector.tls.secretName -}}
{{- else -}}
{{- printf "%s-tls" (include "apisensor.collectorName" .) -}}
{{- end -}}
{{- end -}}

{{/* The agents' client certificate Secret for mutual TLS (tls.crt, tls.key, ca.crt). */}}
{{- define "apisensor.agentTlsSecretName" -}}
{{- if eq .Values.collector.tls.source "secret" -}}
{{- required "collector.tls.clientSecretName is required with collector.tls.source=secret and collector.tls.mutual" .Values.collector.tls.clientSecretName -}}
{{- else -}}
{{- printf "%s-client-tls" (include "apisensor.agentName" .) -}}
{{- end -}}
{{- end -}}

{{/* The DNS names agents use for the collector; the first is what they dial. */}}
{{- define "apisensor.collectorHost" -}}
{{- printf "%s.%s.svc" (include "apisensor.collectorName" .) .Release.Namespace -}}
{{- end -}}

{{- define "apisensor.collectorDnsNames" -}}
{{- $svc := include "apisensor.collectorName" . -}}
{{- $ns := .Release.Namespace -}}
{{- list (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) (printf "%s.%s" $svc $ns) $svc | toJson -}}
{{- end -}}

{{- define "apisensor.collectorAddress" -}}
{{- printf "%s:%d" (include "apisensor.collectorHost" .) (int .Values.collector.service.grpcPort) -}}
{{- end -}}

{{/* Whether the sinks run at the collector ("true"/""), after checking the choice is possible. */}}
{{- define "apisensor.sinksAtCollector" -}}
{{- if eq .Values.exports.runOn "collector" -}}
{{- if not .Values.collector.enabled -}}
{{- fail "exports.runOn is collector but collector.enabled is false: set exports.runOn=agent or enable the collector" -}}
{{- end -}}
true
{{- end -}}
{{- end -}}

{{/* "true" when some sink asks for exchange summaries. */}}
{{- define "apisensor.sinksWantExchanges" -}}
{{- range .Values.exports.sinks -}}
{{- if .exchanges -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* The export config file both components read (exporters/README.md). */}}
{{- define "apisensor.exportConfig" -}}
{{- dict "finding_update_interval_s" .Values.exports.findingUpdateIntervalS "sinks" .Values.exports.sinks | toYaml -}}
{{- end -}}

{{/* Volume of the SIEM credentials, one file per exports.secrets entry: call with
(dict "ctx" $ "mode" "0400"). */}}
{{- define "apisensor.siemVolume" -}}
{{- $ctx := .ctx -}}
- name: siem
  projected:
    defaultMode: {{ .mode }}
    sources:
      {{- range $name, $s := $ctx.Values.exports.secrets }}
      - secret:
          {{- if $s.existingSecret }}
          name: {{ $s.existingSecret }}
          items:
            - key: {{ $s.key | default "token" }}
              path: {{ $name }}
          {{- else }}
          name: {{ include "apisensor.siemSecretName" $ctx }}
          items:
            - key: {{ $name }}
              path: {{ $name }}
          {{- end }}
      {{- end }}
{{- end -}}

{{/* Keeps a generated secret value across upgrades: the live Secret's, else a new one. */}}
{{- define "apisensor.existingSecretData" -}}
{{- $s := lookup "v1" "Secret" .namespace .name -}}
{{- if and $s $s.data -}}
{{- index $s.data .key | default "" -}}
{{- end -}}
{{- end -}}
