//! AWS partitions and the regions the wizard offers.

/// An AWS partition: a group of regions with its own ARN prefix and domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Partition {
    Aws,
    AwsCn,
    AwsUsGov,
}

impl Partition {
    pub const ALL: [Partition; 3] = [Partition::Aws, Partition::AwsCn, Partition::AwsUsGov];

    /// Partition segment of an ARN, such as `aws-cn`.
    pub fn id(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    /// Name shown above the partition's regions.
    pub fn label(self) -> &'static str {
        match self {
            Partition::Aws => "AWS commercial regions",
            Partition::AwsCn => "AWS China regions",
            Partition::AwsUsGov => "AWS GovCloud (US) regions",
        }
    }

    /// DNS suffix of service endpoints, used in `kms:ViaService`.
    pub fn dns_suffix(self) -> &'static str {
        match self {
            Partition::AwsCn => "amazonaws.com.cn",
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
        }
    }

    /// Host of the web console's sign-in page for this partition.
    pub fn console_host(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::AwsCn => "console.amazonaws.cn",
            Partition::AwsUsGov => "console.amazonaws-us-gov.com",
        }
    }

    pub fn parse(id: &str) -> Option<Partition> {
        Partition::ALL
            .into_iter()
            .find(|partition| partition.id() == id)
    }
}

/// A region the wizard offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    pub partition: Partition,
}

const fn region(code: &'static str, name: &'static str, partition: Partition) -> Region {
    Region {
        code,
        name,
        partition,
    }
}

/// Every region where Lambda and Secrets Manager run, grouped by partition.
pub const REGIONS: &[Region] = &[
    region("us-east-1", "US East (N. Virginia)", Partition::Aws),
    region("us-east-2", "US East (Ohio)", Partition::Aws),
    region("us-west-1", "US West (N. California)", Partition::Aws),
    region("us-west-2", "US West (Oregon)", Partition::Aws),
    region("af-south-1", "Africa (Cape Town)", Partition::Aws),
    region("ap-east-1", "Asia Pacific (Hong Kong)", Partition::Aws),
    region("ap-east-2", "Asia Pacific (Taipei)", Partition::Aws),
    region("ap-south-1", "Asia Pacific (Mumbai)", Partition::Aws),
    region("ap-south-2", "Asia Pacific (Hyderabad)", Partition::Aws),
    region("ap-southeast-1", "Asia Pacific (Singapore)", Partition::Aws),
    region("ap-southeast-2", "Asia Pacific (Sydney)", Partition::Aws),
    region("ap-southeast-3", "Asia Pacific (Jakarta)", Partition::Aws),
    region("ap-southeast-4", "Asia Pacific (Melbourne)", Partition::Aws),
    region("ap-southeast-5", "Asia Pacific (Malaysia)", Partition::Aws),
    region(
        "ap-southeast-6",
        "Asia Pacific (New Zealand)",
        Partition::Aws,
    ),
    region("ap-southeast-7", "Asia Pacific (Thailand)", Partition::Aws),
    region("ap-northeast-1", "Asia Pacific (Tokyo)", Partition::Aws),
    region("ap-northeast-2", "Asia Pacific (Seoul)", Partition::Aws),
    region("ap-northeast-3", "Asia Pacific (Osaka)", Partition::Aws),
    region("ca-central-1", "Canada (Central)", Partition::Aws),
    region("ca-west-1", "Canada West (Calgary)", Partition::Aws),
    region("eu-central-1", "Europe (Frankfurt)", Partition::Aws),
    region("eu-central-2", "Europe (Zurich)", Partition::Aws),
    region("eu-west-1", "Europe (Ireland)", Partition::Aws),
    region("eu-west-2", "Europe (London)", Partition::Aws),
    region("eu-west-3", "Europe (Paris)", Partition::Aws),
    region("eu-south-1", "Europe (Milan)", Partition::Aws),
    region("eu-south-2", "Europe (Spain)", Partition::Aws),
    region("eu-north-1", "Europe (Stockholm)", Partition::Aws),
    region("il-central-1", "Israel (Tel Aviv)", Partition::Aws),
    region("me-south-1", "Middle East (Bahrain)", Partition::Aws),
    region("me-central-1", "Middle East (UAE)", Partition::Aws),
    region("mx-central-1", "Mexico (Central)", Partition::Aws),
    region("sa-east-1", "South America (São Paulo)", Partition::Aws),
    region("cn-north-1", "China (Beijing)", Partition::AwsCn),
    region("cn-northwest-1", "China (Ningxia)", Partition::AwsCn),
    region(
        "us-gov-west-1",
        "AWS GovCloud (US-West)",
        Partition::AwsUsGov,
    ),
    region(
        "us-gov-east-1",
        "AWS GovCloud (US-East)",
        Partition::AwsUsGov,
    ),
];

/// Looks up a region by its code, such as `eu-west-1`.
pub fn find_region(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|region| region.code == code)
}
