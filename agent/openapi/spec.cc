#include "agent/openapi/spec.h"

namespace apisensor::openapi {

std::string_view SpecFormatName(SpecFormat format) {
  switch (format) {
    case SpecFormat::kSwagger20:
      return "swagger-2.0";
    case SpecFormat::kOpenApi30:
      return "openapi-3.0";
    case SpecFormat::kOpenApi31:
      return "openapi-3.1";
  }
  return "unknown";
}

std::string_view SecuritySchemeTypeName(SecuritySchemeType type) {
  switch (type) {
    case SecuritySchemeType::kHttp:
      return "http";
    case SecuritySchemeType::kApiKey:
      return "apiKey";
    case SecuritySchemeType::kOAuth2:
      return "oauth2";
    case SecuritySchemeType::kOpenIdConnect:
      return "openIdConnect";
    case SecuritySchemeType::kMutualTls:
      return "mutualTLS";
    case SecuritySchemeType::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view ApiKeyLocationName(ApiKeyLocation in) {
  switch (in) {
    case ApiKeyLocation::kHeader:
      return "header";
    case ApiKeyLocation::kQuery:
      return "query";
    case ApiKeyLocation::kCookie:
      return "cookie";
    case ApiKeyLocation::kNone:
      break;
  }
  return "";
}

const SecurityScheme* Spec::FindSecurityScheme(std::string_view name) const {
  for (const SecurityScheme& scheme : security_schemes) {
    if (scheme.name == name) return &scheme;
  }
  return nullptr;
}

}  // namespace apisensor::openapi
